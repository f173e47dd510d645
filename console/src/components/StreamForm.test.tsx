// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ENCODINGS, PACKET_TIMES_US, SAMPLE_RATES } from '@aes67/server/formats';
import { ApiError } from '../api/client.js';
import { fieldOf, StreamForm } from './StreamForm.js';

afterEach(cleanup);

describe('StreamForm', () => {
  it('sends typed values, leaving address and port to the daemon when empty', async () => {
    const onSubmit = vi.fn(async () => undefined);
    const onDone = vi.fn();
    render(<StreamForm onSubmit={onSubmit} onDone={onDone} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Left' } });
    fireEvent.change(screen.getByLabelText('Sample rate'), { target: { value: '44100' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create stream' })));
    expect(onSubmit).toHaveBeenCalledWith({ name: 'Left', ttl: 32, encoding: 'L24', sampleRate: 44100, channels: 1, ptimeUs: 1000, payloadType: 98, enabled: true });
    expect(onDone).toHaveBeenCalled();
  });

  it("offers the daemon's encodings, rates and packet times, no more and no fewer", () => {
    render(<StreamForm onSubmit={async () => undefined} onDone={() => undefined} />);
    const values = (label: string) => Array.from((screen.getByLabelText(label) as HTMLSelectElement).options, (o) => o.value);
    expect(values('Encoding')).toEqual([...ENCODINGS]);
    expect(values('Sample rate')).toEqual(SAMPLE_RATES.map(String));
    expect(values('Packet time')).toEqual(PACKET_TIMES_US.map(String));
    const rate = screen.getByLabelText('Sample rate') as HTMLSelectElement;
    expect(Array.from(rate.options, (o) => o.text)).toEqual(['44.1 kHz', '48 kHz', '96 kHz']);
    expect(rate.value).toBe('48000');
  });

  it("shows the API's field error next to that field and keeps the form open", async () => {
    const onDone = vi.fn();
    render(<StreamForm onSubmit={() => Promise.reject(new ApiError(400, 'invalid', 'port must be at least 1024', 'body.port'))} onDone={onDone} />);
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '80' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create stream' })));
    const port = screen.getByLabelText('Port');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    const err = document.getElementById(port.getAttribute('aria-describedby') ?? '');
    expect(err?.textContent).toBe('port must be at least 1024');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('false');
    expect(onDone).not.toHaveBeenCalled();
  });

  it('errors without a known field appear under the form', async () => {
    render(<StreamForm onSubmit={() => Promise.reject(new ApiError(409, 'conflict', 'group 239.69.0.1:5004 is taken'))} onDone={() => undefined} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Create stream' })));
    expect(screen.getByRole('alert').textContent).toBe('group 239.69.0.1:5004 is taken');
  });

  it('maps dotted field paths to form fields', () => {
    expect(fieldOf('body.sampleRate')).toBe('sampleRate');
    expect(fieldOf('ptimeUs')).toBe('ptimeUs');
    expect(fieldOf('body.counters')).toBeNull();
    expect(fieldOf(undefined)).toBeNull();
  });
});
