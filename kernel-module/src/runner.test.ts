import { describe, expect, it } from 'vitest';
import { ModuleError } from './errors.js';
import { runTool } from './exec.js';
import { spawnRunner } from './runner.js';

describe('spawnRunner (real processes)', () => {
  it('passes arguments verbatim, with no shell in between', async () => {
    const tricky = ['id=$(touch /tmp/pwned)', 'a;b', '`x`', 'with space'];
    const r = await spawnRunner(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...tricky]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(tricky);
  });

  it('reports exit code and stderr of a failing command', async () => {
    const r = await spawnRunner(process.execPath, ['-e', 'process.stderr.write("insmod: ERROR: nope\\n"); process.exit(1)']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'insmod: ERROR: nope\n' });
  });

  it('turns a missing binary into COMMAND_NOT_FOUND naming the package', async () => {
    const missing = (cmd: string, args: readonly string[]) => spawnRunner(`/nonexistent/${cmd}`, args);
    const err = await runTool(missing, 'insmod', ['x.ko']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).code).toBe('COMMAND_NOT_FOUND');
    expect((err as ModuleError).fix).toMatch(/apt-get install kmod/);
  });
});
