// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { RxPatchList, type VisibleStream } from './RxPatchList.js';

afterEach(cleanup);

const kh120 = { sampleRate: 48000 as const, encodings: ['L24' as const, 'L16' as const], maxChannels: 1 };
const base = { address: '239.69.0.1', origin: 'this sender', encoding: 'L24', channels: 1 };
const streams: VisibleStream[] = [
  { ...base, key: 'a', name: 'Left', sampleRate: 48000, streamId: 's1' },
  { ...base, key: 'b', name: 'CD rip', sampleRate: 44100, streamId: 's2' },
  { ...base, key: 'c', name: 'Stereo bus', sampleRate: 48000, channels: 2, streamId: 's3' },
  { ...base, key: 'd', name: 'Dante AM824', sampleRate: 48000, encoding: 'AM824', origin: 'dante-1 (SAP)' },
];

function item(name: string): HTMLElement {
  const li = screen.getByText(name).closest('li');
  if (!li) throw new Error(`no list item for ${name}`);
  return li;
}

describe('RX patch view', () => {
  it('greys out each stream the speaker cannot play, with the right reason', () => {
    render(<RxPatchList speaker={kh120} speakerName="KH 120 left" streams={streams} currentStreamId={null} onPatch={() => undefined} />);
    expect(item('Left').className).toBe('playable');
    expect(item('Left').getAttribute('aria-disabled')).toBeNull();

    expect(item('CD rip').className).toBe('unplayable');
    expect(item('CD rip').getAttribute('aria-disabled')).toBe('true');
    expect(within(item('CD rip')).getByText(/Cannot play/).textContent).toBe('Cannot play — wrong rate: stream is 44.1 kHz, speaker is set to 48 kHz');

    expect(within(item('Stereo bus')).getByText(/Cannot play/).textContent).toMatch(/too many channels: stream has 2, speaker takes at most 1/);
    expect(within(item('Dante AM824')).getByText(/Cannot play/).textContent).toMatch(/wrong encoding: stream is AM824, speaker takes L24 or L16/);
  });

  it('offers Patch only for playable streams of our own, and reports which', () => {
    const onPatch = vi.fn();
    render(<RxPatchList speaker={kh120} speakerName="KH 120 left" streams={streams} currentStreamId={null} onPatch={onPatch} />);
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Patch Left to KH 120 left']);
    fireEvent.click(buttons[0]);
    expect(onPatch).toHaveBeenCalledWith('s1');
  });

  it('marks the stream that currently feeds the speaker', () => {
    render(<RxPatchList speaker={kh120} speakerName="KH" streams={streams} currentStreamId="s1" onPatch={() => undefined} />);
    expect(within(item('Left')).getByText('patched')).toBeTruthy();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('a speaker switched to 44.1 kHz flips which streams are greyed', () => {
    render(<RxPatchList speaker={{ ...kh120, sampleRate: 44100 }} speakerName="KH" streams={streams.slice(0, 2)} currentStreamId={null} />);
    expect(item('Left').className).toBe('unplayable');
    expect(within(item('Left')).getByText(/Cannot play/).textContent).toMatch(/stream is 48 kHz, speaker is set to 44.1 kHz/);
    expect(item('CD rip').className).toBe('playable');
  });
});
