/**
 * The store's contract with the runtime: a change resolves after it was applied and saved, and a change
 * the runtime cannot run (or a save that fails) is undone: the previous configuration is current, running
 * again and on disk, the update rejects with the reason, and the next change applies. The applier here is
 * a FAKE standing in for the daemon's (which needs an engine, a DSP worker and sockets; test/daemon-*
 * run the real one): it records what it was asked to run and refuses what it is told to.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore } from './store.js';
import { defaultConfig } from '../config/defaults.js';
import { loadConfigFile } from '../config/load.js';
import { serializeConfig } from '../config/save.js';
import { DomainError } from '../errors.js';
import type { Config } from '../config/schema.js';

function storeOnDisk(): { store: ConfigStore; file: string; applied: string[]; refuse: Set<string>; warned: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'a67-store-')), 'config.yaml');
  const cfg = defaultConfig();
  const text = serializeConfig(cfg, file);
  writeFileSync(file, text);
  const warned: string[] = [];
  const store = new ConfigStore(cfg, file, text, (m) => warned.push(m));
  const applied: string[] = [];
  const refuse = new Set<string>();
  store.applyWith(async (next: Config) => {
    applied.push(next.streams[0].name);
    if (refuse.has(next.streams[0].name)) throw new DomainError('conflict', 'not_applied', `cannot run '${next.streams[0].name}'`);
  });
  return { store, file, applied, refuse, warned };
}

const rename = (name: string) => (cfg: Config) => void (cfg.streams[0].name = name);

describe('ConfigStore', () => {
  it('resolves after the change was applied and saved', async () => {
    const { store, file, applied } = storeOnDisk();
    await store.update(rename('kitchen'));
    expect(applied).toEqual(['kitchen']);
    expect(store.current.streams[0].name).toBe('kitchen');
    expect(loadConfigFile(file).streams[0].name).toBe('kitchen');
  });

  it('undoes a change the runtime refuses: previous config current, re-applied and on disk; the next change applies', async () => {
    const { store, file, applied, refuse } = storeOnDisk();
    const before = store.current.streams[0].name;
    const onDisk = readFileSync(file, 'utf8');
    refuse.add('broken');
    await expect(store.update(rename('broken'))).rejects.toMatchObject({ kind: 'conflict', code: 'not_applied', message: "cannot run 'broken'" });
    expect(applied).toEqual(['broken', before]);
    expect(store.current.streams[0].name).toBe(before);
    expect(readFileSync(file, 'utf8')).toBe(onDisk);
    await store.update(rename('next'));
    expect(store.current.streams[0].name).toBe('next');
    expect(loadConfigFile(file).streams[0].name).toBe('next');
  });

  it('undoes a change whose save fails, and runs the previous config again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'a67-store-'));
    writeFileSync(join(dir, 'not-a-dir'), '');
    const store = new ConfigStore(defaultConfig(), join(dir, 'not-a-dir', 'config.yaml'));
    const applied: string[] = [];
    store.applyWith(async (next) => void applied.push(next.streams[0].name));
    const before = store.current.streams[0].name;
    await expect(store.update(rename('unsaved'))).rejects.toMatchObject({ kind: 'unavailable', code: 'not_saved', message: expect.stringContaining('ENOTDIR: its directory no longer exists') });
    expect(applied).toEqual(['unsaved', before]);
    expect(store.current.streams[0].name).toBe(before);
  });

  it('refuses an invalid change before anything runs', async () => {
    const { store, applied } = storeOnDisk();
    await expect(store.update(rename('a\nb'))).rejects.toMatchObject({ kind: 'invalid', field: 'name' });
    expect(applied).toEqual([]);
  });

  it('keeps a file someone replaced and refuses the change (409), until the file is removed', async () => {
    const { store, file, applied, warned } = storeOnDisk();
    await store.update(rename('ours'));
    const theirs = readFileSync(file, 'utf8').replace('ours', 'edited by hand');
    writeFileSync(file, theirs);
    await expect(store.update(rename('kitchen'))).rejects.toMatchObject({ kind: 'conflict', code: 'config_changed_on_disk', message: expect.stringContaining('was changed by someone else') });
    expect(readFileSync(file, 'utf8')).toBe(theirs);
    expect(store.current.streams[0].name).toBe('ours');
    expect(applied).toEqual(['ours', 'kitchen', 'ours']);
    expect(warned).toEqual([expect.stringContaining('is kept, and changes through the API are refused')]);
    rmSync(file);
    await store.update(rename('kitchen'));
    expect(loadConfigFile(file).streams[0].name).toBe('kitchen');
  });

  it('writes a file someone deleted again from the running configuration, and says so', async () => {
    const { store, file, warned } = storeOnDisk();
    rmSync(file);
    await store.update(rename('kitchen'));
    expect(existsSync(file)).toBe(true);
    expect(loadConfigFile(file).streams[0].name).toBe('kitchen');
    expect(warned).toEqual([`${file} was deleted while the daemon ran: written again from the running configuration`]);
    await store.update(rename('hall'));
    expect(warned).toHaveLength(1);
  });

  it('saves over a file rewritten with the same text (a config management run that changed nothing)', async () => {
    const { store, file, warned } = storeOnDisk();
    writeFileSync(file, readFileSync(file, 'utf8'));
    await store.update(rename('kitchen'));
    expect(loadConfigFile(file).streams[0].name).toBe('kitchen');
    expect(warned).toEqual([]);
  });
});
