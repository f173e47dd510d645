// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { Routing } from '../api/types.js';
import type { Column } from '../logic/patch.js';
import { PatchMatrix } from './PatchMatrix.js';

afterEach(cleanup);

const cols: Column[] = [
  { streamId: 's1', channel: 0, label: 'Left', speakers: ['KH 120 L'] },
  { streamId: 's2', channel: 0, label: 'Right', speakers: [] },
];
const routing: Routing = { source: 'player', preset: 'stereo', entries: [{ input: 0, streamId: 's1', channel: 0, gainDb: -3 }] };

describe('PatchMatrix', () => {
  it('renders one checkbox per source channel and stream channel, checked where routed', () => {
    render(<PatchMatrix routing={routing} cols={cols} onChange={() => undefined} />);
    const boxes = screen.getAllByRole('checkbox') as HTMLInputElement[];
    expect(boxes.map((b) => [b.getAttribute('aria-label'), b.checked])).toEqual([
      ['Left to Left', true],
      ['Left to Right', false],
      ['Right to Left', false],
      ['Right to Right', false],
    ]);
    expect((screen.getByLabelText('Left to Left gain in dB') as HTMLInputElement).value).toBe('-3');
    expect(screen.queryByLabelText('Right to Right gain in dB')).toBeNull();
    expect(screen.getByText('KH 120 L')).toBeTruthy();
    expect(screen.getByText('no speaker')).toBeTruthy();
  });

  it('clicking a cell sends the routing with that cell added, as a custom patch', () => {
    const onChange = vi.fn();
    render(<PatchMatrix routing={routing} cols={cols} onChange={onChange} />);
    fireEvent.click(screen.getByLabelText('Right to Right'));
    const next = onChange.mock.calls[0][0] as Routing;
    expect(next.preset).toBe('custom');
    expect(next.entries).toContainEqual({ input: 1, streamId: 's2', channel: 0, gainDb: 0 });
    expect(next.entries).toContainEqual(routing.entries[0]);
  });

  it('unchecking removes the cell; editing the gain sends the new gain', () => {
    const onChange = vi.fn();
    render(<PatchMatrix routing={routing} cols={cols} onChange={onChange} />);
    fireEvent.click(screen.getByLabelText('Left to Left'));
    expect((onChange.mock.calls[0][0] as Routing).entries).toEqual([]);
    const gain = screen.getByLabelText('Left to Left gain in dB');
    fireEvent.change(gain, { target: { value: '-9.5' } });
    fireEvent.blur(gain);
    expect((onChange.mock.calls[1][0] as Routing).entries).toEqual([{ input: 0, streamId: 's1', channel: 0, gainDb: -9.5 }]);
  });

  it('says so when there is nothing to patch to', () => {
    render(<PatchMatrix routing={routing} cols={[]} onChange={() => undefined} />);
    expect(screen.getByText(/No streams to patch to/)).toBeTruthy();
  });
});
