// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { StoreProvider, useStore } from '../api/StoreContext.js';
import type { RemoteStream } from '../api/types.js';
import { Network } from './Network.js';

afterEach(cleanup);

// lastSeen is data the page shows ("last seen ..."), not a timing.
/* eslint-disable no-restricted-syntax */
const remote = (id: string, ptp: RemoteStream['ptp']): RemoteStream => ({
  id, source: 'sap', name: `Desk ${id}`, origin: '192.0.2.7', address: '239.69.1.1', port: 5004, encoding: 'L24', sampleRate: 48000,
  channels: 2, ptimeMs: 1, ptp, lastSeen: Date.now(), own: false, sdp: 'v=0',
});
/* eslint-enable no-restricted-syntax */

function Seed({ streams }: { streams: RemoteStream[] }) {
  const { dispatch } = useStore();
  useEffect(() => {
    for (const stream of streams) dispatch({ type: 'event', event: { type: 'remoteStream', data: { op: 'added', stream } }, at: 0 });
  }, [dispatch, streams]);
  return null;
}

describe('Network page', () => {
  it("shows each remote stream's clock reference as the daemon sends it (an object, not a string)", async () => {
    const streams = [remote('a', { kind: 'ptp', gmid: '00-1D-C1-FF-FE-50-36-33', domain: 0 }), remote('b', { kind: 'traceable' })];
    render(<StoreProvider connect={false}><Seed streams={streams} /><Network /></StoreProvider>);
    expect((await screen.findByText(/PTP 00-1D-C1-FF-FE-50-36-33 domain 0/)).textContent).toMatch(/^PTP 00-1D-C1-FF-FE-50-36-33 domain 0 · last seen/);
    expect((await screen.findByText(/traceable clock/)).textContent).toMatch(/^traceable clock \(no PTP\) · last seen/);
  });
});
