#!/usr/bin/env node
/**
 * Runs the test tiers of test/tiers.mjs one after the other, each as `vitest run --project <tier>`,
 * and prints what each took against its budget. Every tier runs even when one before it failed, so a
 * single run shows everything that is red. A tier that needs root is skipped with a message when not
 * root, and counts as failed under REQUIRE_NETNS=1 (CI runs as root; a skip there would hide failures).
 * The budget is a hang guard (a tier past it is stopped and fails), not a speed goal: figures live in
 * bench/. Usage: node scripts/run-tiers.mjs [tier ...]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TIERS } from '../test/tiers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = `${ROOT}node_modules/vitest/vitest.mjs`;
const KILL_GRACE_MS = 10_000;

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !TIERS.some((t) => t.name === a));
if (unknown.length > 0) {
  console.error(`run-tiers: no tier named ${unknown.join(', ')}; the tiers are ${TIERS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const selected = asked.length > 0 ? TIERS.filter((t) => asked.includes(t.name)) : TIERS;
const isRoot = process.getuid?.() === 0;
const mandatory = process.env.REQUIRE_NETNS === '1';

let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) process.kill(-current.pid, signal);
    process.exit(130);
  });
}

/** Runs one tier in its own process group, so a stop at the budget takes its children too. */
function runTier(tier) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [VITEST, 'run', '--project', tier.name], { cwd: ROOT, stdio: 'inherit', detached: true });
    current = child;
    let overBudget = false;
    const guard = setTimeout(() => {
      overBudget = true;
      console.error(`\nrun-tiers: ${tier.name} is still running after its ${tier.budgetS} s budget; stopping it`);
      process.kill(-child.pid, 'SIGTERM');
      setTimeout(() => process.kill(-child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    }, tier.budgetS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      current = null;
      const seconds = (performance.now() - started) / 1000;
      const result = overBudget ? 'over budget' : code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`;
      resolve({ tier: tier.name, result, seconds, ok: code === 0 && !overBudget });
    });
  });
}

const results = [];
for (const tier of selected) {
  if (tier.needs === 'root' && !isRoot) {
    const why = `needs root (${tier.what})`;
    if (mandatory) {
      console.error(`run-tiers: ${tier.name} ${why}, and REQUIRE_NETNS=1 makes it mandatory`);
      results.push({ tier: tier.name, result: 'failed (not root)', seconds: 0, ok: false });
    } else {
      console.error(`\nrun-tiers: SKIPPING the ${tier.name} tier: it ${why}. Run as root to include it.\n`);
      results.push({ tier: tier.name, result: 'SKIPPED (not root)', seconds: 0, ok: true });
    }
    continue;
  }
  console.log(`\nrun-tiers: ${tier.name}: ${tier.what}`);
  results.push(await runTier(tier));
}

const total = results.reduce((s, r) => s + r.seconds, 0);
console.log('\ntier      result               time     budget');
for (const r of results) {
  const budget = TIERS.find((t) => t.name === r.tier).budgetS;
  console.log(`${r.tier.padEnd(9)} ${r.result.padEnd(20)} ${r.seconds.toFixed(0).padStart(5)} s  ${String(budget).padStart(5)} s`);
}
console.log(`${'total'.padEnd(30)} ${total.toFixed(0).padStart(5)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
