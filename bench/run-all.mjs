// Every bench at a short setting, one after another, then one table of their figures, each with the
// peer or limit it was measured against in the same run and the ratio (issue 19, item 5). Each bench
// prints its own output as it runs; the table is built from the `@@figure` lines they print
// (bench/figure.mjs). The pacing bench needs root and runs only as root. See bench/README.md.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './args.mjs';

const USAGE = `usage: node bench/run-all.mjs [--only figures,monitor,resample,pacer-gc,pacing]
  Run after npm run build; as root under flock -x /tmp/quiet.lock for the pacing bench. See bench/README.md.`;
const values = benchArgs(USAGE, { only: { type: 'string', default: 'figures,monitor,resample,pacer-gc,pacing' } });
const BENCHES = {
  figures: ['figures/run.mjs', '--repeats', '3', '--decode-seconds', '30'],
  monitor: ['monitor/run.mjs', '--streams', '16', '--seconds', '5', '--repeats', '1'],
  resample: ['resample/run.mjs', '--seconds', '10', '--quality-seconds', '2', '--repeats', '1', '--tools', 'ours,sox'],
  'pacer-gc': ['pacer-gc/run.mjs', '--seconds', '5', '--repeats', '1'],
  pacing: ['pacing/run.mjs', '--seconds', '3', '--repeats', '1', '--loads', '8x1000'],
};
const only = values.only.split(',');
for (const name of only) if (!(name in BENCHES)) { console.error(`unknown bench '${name}'\n\n${USAGE}`); process.exit(2); }

const dir = fileURLToPath(new URL('.', import.meta.url));
const figures = [];
const failed = [];
for (const name of only) {
  if (name === 'pacing' && process.getuid?.() !== 0) {
    console.log(`\n== ${name}: skipped (needs root)`);
    continue;
  }
  const [script, ...args] = BENCHES[name];
  console.log(`\n== ${name}: node bench/${script} ${args.join(' ')}`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [`${dir}${script}`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let partial = '';
    child.stdout.on('data', (d) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const l of lines) {
        if (l.startsWith('@@figure ')) figures.push(JSON.parse(l.slice(9)));
        else console.log(l);
      }
    });
    child.on('exit', resolve);
  });
  if (code !== 0) failed.push(`${name} (exit ${code})`);
}

const n = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2));
console.log('\n| bench | figure | value | peer or limit | peer value | ratio |');
console.log('|---|---|---|---|---|---|');
for (const f of figures) console.log(`| ${f.bench} | ${f.figure} | ${n(f.value)} ${f.unit} | ${f.peer} | ${n(f.peerValue)} ${f.unit} | ${f.peerValue ? n(f.value / f.peerValue) : '-'} |`);
if (failed.length) {
  console.error(`benches that failed: ${failed.join(', ')}`);
  process.exit(1);
}
