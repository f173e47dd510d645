// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { SPEAKER_PRESET_IDS, SPEAKER_PRESETS } from '@aes67/server/speaker-presets';
import { ApiError } from '../api/client.js';
import { SpeakerForm } from './SpeakerForm.js';
import type { Stream } from '../api/types.js';

afterEach(cleanup);

const stream = (id: string, sampleRate: number, channels = 1) => ({ id, name: `s${id}`, sampleRate, encoding: 'L24', channels }) as Stream;
const values = (label: string) => Array.from((screen.getByLabelText(label) as HTMLSelectElement).options, (o) => o.value);

describe('SpeakerForm', () => {
  it('sends the name, the preset and the rate the speaker is set to, and the optional host and stream', async () => {
    const onSubmit = vi.fn(async () => undefined);
    const onDone = vi.fn();
    render(<SpeakerForm streams={[stream('1', 96000)]} onSubmit={onSubmit} onDone={onDone} />);
    expect(values('Model')).toEqual([...SPEAKER_PRESET_IDS]);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'KH left' } });
    fireEvent.change(screen.getByLabelText('Set to'), { target: { value: '96000' } });
    fireEvent.change(screen.getByLabelText('Address (optional)'), { target: { value: ' 10.0.0.12 ' } });
    fireEvent.change(screen.getByLabelText('Stream'), { target: { value: '1' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add speaker' })));
    expect(onSubmit).toHaveBeenCalledWith({ name: 'KH left', preset: 'neumann-kh-120-ii', sampleRate: 96000, host: '10.0.0.12', streamId: '1' });
    expect(onDone).toHaveBeenCalled();
  });

  it("offers the model's rates only, and a rate it cannot take falls back to its first", () => {
    render(<SpeakerForm streams={[]} onSubmit={async () => undefined} onDone={() => undefined} />);
    expect(values('Set to')).toEqual(SPEAKER_PRESETS['neumann-kh-120-ii'].rates.map(String));
    fireEvent.change(screen.getByLabelText('Set to'), { target: { value: '96000' } });
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'generic-aes67' } });
    expect(values('Set to')).toEqual(['48000']);
    expect((screen.getByLabelText('Set to') as HTMLSelectElement).value).toBe('48000');
  });

  it('disables the streams the model would hide or play only in part, saying why', () => {
    render(<SpeakerForm streams={[stream('1', 48000), stream('2', 44100), stream('3', 48000, 2)]} onSubmit={async () => undefined} onDone={() => undefined} />);
    const options = Array.from((screen.getByLabelText('Stream') as HTMLSelectElement).options).slice(1);
    expect(options.map((o) => o.disabled)).toEqual([false, true, true]);
    expect(options[1].text).toMatch(/wrong rate/);
  });

  it("shows the daemon's error beside the field it names", async () => {
    const onSubmit = vi.fn(async () => {
      throw new ApiError(400, 'invalid', 'sampleRate: the Neumann KH 120 II AES67 can be set to 48 or 96 kHz, not 44.1 kHz', 'sampleRate');
    });
    const onDone = vi.fn();
    render(<SpeakerForm streams={[]} found={{ name: 'KH 120 II AES67 W 3021', host: '10.0.0.9', preset: 'neumann-kh-120-ii' }} onSubmit={onSubmit} onDone={onDone} />);
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('KH 120 II AES67 W 3021');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add speaker' })));
    expect(screen.getByLabelText('Set to').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toMatch(/not 44.1 kHz/);
    expect(onDone).not.toHaveBeenCalled();
  });
});
