// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { ApiError } from './client.js';
import { StoreProvider, useStore } from './StoreContext.js';
import { Toasts } from '../components/Toasts.js';
import type { Speaker } from './types.js';

afterEach(cleanup);

const kh = { id: 'k1', name: 'KH', gainDb: 0 } as Speaker;
let api: ReturnType<typeof useStore> | null = null;

function Probe() {
  const store = useStore();
  api = store;
  const { dispatch } = store;
  useEffect(() => dispatch({ type: 'event', event: { type: 'speakers', data: [kh] }, at: 0 }), [dispatch]);
  return <output data-testid="gain">{String(store.state.speakers?.[0]?.gainDb)}</output>;
}

describe('optimistic changes', () => {
  it('a refused change rolls back and shows the daemon\'s message', async () => {
    render(<StoreProvider connect={false}><Probe /><Toasts /></StoreProvider>);
    expect(screen.getByTestId('gain').textContent).toBe('0');
    let reject!: (e: unknown) => void;
    let result!: Promise<boolean>;
    act(() => {
      result = api!.change('Changing KH', { speakers: [{ ...kh, gainDb: -6 }] }, () => new Promise((_, r) => (reject = r)));
    });
    expect(screen.getByTestId('gain').textContent).toBe('-6');
    await act(async () => {
      reject(new ApiError(400, 'invalid', 'gain must be at most 12 dB', 'gainDb'));
      expect(await result).toBe(false);
    });
    expect(screen.getByTestId('gain').textContent).toBe('0');
    expect(screen.getByRole('alert').textContent).toMatch(/Changing KH failed: gain must be at most 12 dB \(gainDb\)/);
  });

  it('an accepted change keeps the new value and shows nothing', async () => {
    render(<StoreProvider connect={false}><Probe /><Toasts /></StoreProvider>);
    await act(async () => {
      expect(await api!.change('Changing KH', { speakers: [{ ...kh, gainDb: -6 }] }, async () => undefined)).toBe(true);
    });
    expect(screen.getByTestId('gain').textContent).toBe('-6');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
