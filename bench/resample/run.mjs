// Resampler bench: quality and CPU of ours vs libsamplerate (WASM and native)
// and soxr (via sox), 44.1 kHz stereo to 48 and 96 kHz. See README.md.
import { benchArgs, numberOption, usageError } from '../args.mjs';
import { printFigure } from '../figure.mjs';
import { importTs } from '../ts-module.mjs';
import { libsamplerateJs, ours, oursVariable, sndfileResample, soxVeryHigh } from './peers.mjs';

const { channel, fitSine, levelDb, sine } = await importTs(new URL('../../test/harness/analysis.ts', import.meta.url));

const USAGE = `usage: node bench/resample/run.mjs [--seconds 60] [--quality-seconds 10] [--repeats 3]
    [--tools ours,ours-variable,libsamplerate-js,sndfile-resample,sox]
  Run after npm run build; see bench/resample/README.md.`;
const values = benchArgs(USAGE, {
  seconds: { type: 'string', default: '60' },
  'quality-seconds': { type: 'string', default: '10' },
  repeats: { type: 'string', default: '3' },
  tools: { type: 'string', default: 'ours,ours-variable,libsamplerate-js,sndfile-resample,sox' },
});
const SECONDS = numberOption(values, 'seconds', USAGE, { min: 1, max: 3600 });
const QUALITY_SECONDS = numberOption(values, 'quality-seconds', USAGE, { min: 1, max: 600 });
const REPEATS = numberOption(values, 'repeats', USAGE, { min: 1, max: 100, integer: true });
const IN_RATE = 44100;
const OUT_RATES = [48000, 96000];
const AMP = 10 ** (-1 / 20);
const TOOLS = {
  ours: ours,
  'ours-variable': oursVariable,
  'libsamplerate-js': libsamplerateJs,
  'sndfile-resample': sndfileResample,
  sox: soxVeryHigh,
};
const selected = values.tools.split(',').map((name) => {
  if (!TOOLS[name]) usageError(`--tools ${name}: not a tool; known: ${Object.keys(TOOLS).join(', ')}`, USAGE);
  return name;
});

/** Fits the tone over the middle half of the left channel. */
function fitMiddle(output, outRate, freq) {
  const left = channel(output, 2, 0);
  const n = left.length;
  return fitSine(left, freq, outRate, Math.floor(n / 4), Math.floor((3 * n) / 4));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(name, outRate) {
  const run = TOOLS[name];
  const q = QUALITY_SECONDS * IN_RATE;
  const tone = async (freq) => fitMiddle((await run(IN_RATE, outRate, sine(freq, IN_RATE, q, AMP, 2))).output, outRate, freq);
  const thd1k = (await tone(1000)).thdNDb;
  const thd19k = (await tone(19000)).thdNDb;
  // Alias rejection: everything except the 21 kHz tone, relative to the input tone.
  const fit21k = await tone(21000);
  const alias = levelDb(fit21k.residualRms, AMP / Math.SQRT2);
  const level21k = levelDb(fit21k.amplitude, AMP);
  const pass20k = levelDb((await tone(20000)).amplitude, AMP);
  const long = sine(1000, IN_RATE, SECONDS * IN_RATE, AMP, 2);
  const cpu = [];
  let frames = 0;
  for (let r = 0; r < REPEATS; r++) {
    const res = await run(IN_RATE, outRate, long);
    cpu.push(res.cpuSeconds);
    frames = res.output.length / 2;
  }
  return { name, outRate, thd1k, thd19k, alias, pass20k, level21k, cpu: median(cpu), cpuAll: cpu, frames };
}

const rows = [];
for (const outRate of OUT_RATES) {
  for (const name of selected) {
    const row = await measure(name, outRate);
    rows.push(row);
    console.error(`${name} -> ${outRate}: cpu ${row.cpuAll.map((c) => c.toFixed(2)).join(', ')} s`);
  }
}

const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
console.log(
  `\n44.1 kHz stereo -> 48/96 kHz, -1 dBFS tones; CPU = median of ${REPEATS} runs over ${SECONDS} s, ` +
    `quality on ${QUALITY_SECONDS} s tones (middle half, left channel)\n`,
);
const header = ['tool', 'out Hz', 'THD+N 1k dB', 'THD+N 19k dB', 'alias 21k dB', 'level 20k dB', 'level 21k dB', 'CPU s', 'x realtime', 'CPU vs ours'];
const table = rows.map((r) => {
  const base = rows.find((o) => o.name === 'ours' && o.outRate === r.outRate);
  return [
    r.name,
    String(r.outRate),
    fmt(r.thd1k),
    fmt(r.thd19k),
    fmt(r.alias),
    fmt(r.pass20k, 4),
    fmt(r.level21k, 2),
    fmt(r.cpu, 2),
    fmt(SECONDS / r.cpu, 0),
    base ? `${fmt(r.cpu / base.cpu, 1)}x` : '-',
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const t of table) console.log(line(t));
for (const r of rows.filter((x) => x.name === 'ours')) {
  const sox = rows.find((o) => o.name === 'sox' && o.outRate === r.outRate);
  if (sox) printFigure({ bench: 'resample', figure: `resampling 44.1 kHz stereo to ${r.outRate / 1000} kHz, CPU`, value: r.cpu, unit: 's', peer: 'soxr (sox -v)', peerValue: sox.cpu });
}
