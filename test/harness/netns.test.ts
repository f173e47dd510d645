import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createLan, requireNetns, type Lan } from './netns.js';
import { waitFor } from './process.js';

const enabled = requireNetns('netns harness test');

describe.runIf(enabled)('netns harness', () => {
  let lan: Lan;
  beforeAll(async () => {
    lan = await createLan(['sender', 'spk1']);
  });
  afterAll(async () => lan?.down());

  it('carries multicast from one host to another over the bridge', async () => {
    const rx = lan.spawn('spk1', 'node', [
      '-e',
      `const s=require('dgram').createSocket({type:'udp4',reuseAddr:true});
       s.on('message',(m)=>{process.stdout.write(m.toString());process.exit(0)});
       s.bind(5004,()=>{s.addMembership('239.69.9.9','${'10.69.0.2'}');process.stdout.write('ready\\n')});`,
    ]);
    let out = '';
    rx.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('ready'), 30_000, 'the receiver');
    // A few sends a little apart: the first may race the IGMP join settling on the bridge.
    const tx = await lan.run('sender', 'node', [
      '-e',
      `const s=require('dgram').createSocket('udp4');s.bind(0,'10.69.0.1',()=>{s.setMulticastInterface('10.69.0.1');
       let n=0;const t=setInterval(()=>{s.send('hello-lan',5004,'239.69.9.9');if(++n===10){clearInterval(t);s.close()}},100)})`,
    ]);
    expect(tx.code).toBe(0);
    await waitFor(() => out.includes('hello-lan'), 30_000, 'the multicast datagram');
  });

  it('removes every namespace on down()', async () => {
    const other = await createLan(['a']);
    const names = [other.bridgeNs, other.hosts.a.ns];
    await other.down();
    const list = execFileSync('ip', ['netns', 'list']).toString();
    for (const n of names) expect(list).not.toContain(n);
  });
});
