// Decodes a FLAC or WAV file to the end as fast as it can, with the daemon's own decoder (the one the
// player runs), and throws the samples away: run.mjs times it against `flac -d`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { openAudioFile } = await import(join(REPO, 'server/dist/audio/open.js'));
const source = await openAudioFile(process.argv[2]);
let frames = 0;
for (let block = await source.read(); block; block = await source.read()) frames += block.frames;
await source.close();
if (frames === 0) throw new Error('decoded nothing');
