// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../api/client.js';
import type { LiveInput } from '../api/types.js';
import { SourcePicker } from './SourcePicker.js';

afterEach(cleanup);

const live: LiveInput = {
  kind: 'fifo', path: '/run/a.fifo', format: 's16le', rate: 48000, channels: 2, programRate: 48000, open: true, problem: null, running: true,
  skewPpm: 487.25, ratioPpm: 490, bufferMs: 99.5, targetMs: 100, capacityMs: 300, underruns: 1, overruns: 0, droppedFrames: 0,
};

describe('SourcePicker', () => {
  it('applies the player or the tone as soon as it is picked', async () => {
    const onApply = vi.fn(async () => undefined);
    render(<SourcePicker source="tone" live={[]} onApply={onApply} />);
    await act(async () => fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'player' } }));
    expect(onApply).toHaveBeenCalledWith('player');
  });

  it('sends a sine with the typed frequency and level when applied', async () => {
    const onApply = vi.fn(async () => undefined);
    render(<SourcePicker source="tone" live={[]} onApply={onApply} />);
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'signal' } });
    expect(onApply).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Frequency (Hz)'), { target: { value: '440' } });
    fireEvent.change(screen.getByLabelText('Level (dBFS peak)'), { target: { value: '-20' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));
    expect(onApply).toHaveBeenCalledWith({ kind: 'signal', signal: { kind: 'sine', frequency: 440, levelDb: -20 }, channels: 2 });
  });

  it("shows the daemon's error beside the FIFO field it names", async () => {
    render(<SourcePicker source="player" live={[]} onApply={() => Promise.reject(new ApiError(400, 'invalid', 'source.path: an absolute path', 'source.path'))} />);
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'fifo' } });
    fireEvent.change(screen.getByLabelText('FIFO path'), { target: { value: 'aes67.fifo' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));
    const path = screen.getByLabelText('FIFO path');
    expect(path.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(path.getAttribute('aria-describedby') ?? '')?.textContent).toBe('source.path: an absolute path');
  });

  it("shows a FIFO source's settings and its live state", () => {
    render(<SourcePicker source={{ kind: 'fifo', path: '/run/a.fifo', format: 's16le', rate: 48000, channels: 2, targetMs: 100 }} live={[live]} onApply={vi.fn()} />);
    expect((screen.getByLabelText('FIFO path') as HTMLInputElement).value).toBe('/run/a.fifo');
    expect(screen.getByTestId('live-skew').textContent).toBe('+487.3 ppm (ratio +490.0 ppm)');
    expect(screen.getByTestId('live-status').textContent).toContain('1 underruns, 0 overruns');
    expect(screen.getByRole('meter', { name: 'Buffer level in ms' }).getAttribute('value')).toBe('99.5');
  });
});
