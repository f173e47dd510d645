/**
 * Config files: errors name the file, the line and the dotted path; the published JSON Schema and the
 * generated route table in docs/api.md are current.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO } from './harness/sender.js';

const GOOD = `version: 1
interface: lo
http: { host: 127.0.0.1, port: 0 }
auth: { passwordHash: null, token: null }
sap: { intervalS: 30 }
ravenna: { enabled: false, rtspPort: 0 }
ptp: { mode: "off", socket: /var/run/ptp4l, interface: null, domain: 0, priority1: 250, timestamping: software, freeRunning: false, policy: keep-streaming }
player: { library: music }
streams:
  - id: a
    name: kitchen
    address: 239.69.9.1
    port: 5004
    ttl: 32
    encoding: L24
    sampleRate: 48000
    channels: 1
    ptimeUs: 1000
    payloadType: 96
    enabled: true
    sessionId: "123"
    sdpVersion: "1"
speakers: []
routing: { source: tone, preset: custom, entries: [] }
`;

function serveWith(text: string): { code: number; stderr: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aes67-cfg-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, text);
  const r = spawnSync('node', [CLI, 'serve', '--config', file], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status ?? 1, stderr: r.stderr, file };
}

describe('config errors', () => {
  it.each([
    ['a non-multicast address', (t: string) => t.replace('address: 239.69.9.1', 'address: 10.0.0.1'), 12, 'streams[0].address'],
    ['an unknown encoding', (t: string) => t.replace('encoding: L24', 'encoding: L32'), 15, 'streams[0].encoding'],
    ['a port out of range', (t: string) => t.replace('port: 5004', 'port: 99999'), 13, 'streams[0].port'],
    ['an unknown key', (t: string) => t.replace('sap: { intervalS: 30 }', 'sap: { intervalS: 30, every: 5 }'), 5, 'sap'],
    ['a line break in a name', (t: string) => t.replace('name: kitchen', 'name: "kitchen\\nX-Injected: yes"'), 11, 'streams[0].name'],
    ['NUL in a name', (t: string) => t.replace('name: kitchen', 'name: "kit\\0chen"'), 11, 'streams[0].name'],
    ['a DSCP out of range', (t: string) => t.replace('speakers: []', 'rtp: { dscp: 64, sendOffsetMs: 0, pacerRealtimePriority: 40, pacerNice: -10 }\nspeakers: []'), 23, 'rtp.dscp'],
  ])('names the file, line and path for %s', (_name, edit, line, path) => {
    const r = serveWith(edit(GOOD));
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`aes67: error: ${r.file}:${line}: ${path}`);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = serveWith(GOOD.replace('speakers: []', 'speakers: [oops'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${r.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2[4-6]: `));
  });
});

describe('generated documents', () => {
  it('docs/config.schema.json, the route table in docs/api.md and the channel table in docs/configuration.md match the code', () => {
    const r = spawnSync('node', [join(REPO, 'scripts/gen-docs.mjs'), '--check'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
  });
});
