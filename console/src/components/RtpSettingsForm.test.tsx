// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../api/client.js';
import { RtpSettingsForm, rtpFieldOf } from './RtpSettingsForm.js';

afterEach(cleanup);

const SETTINGS = { dscp: 34, sendOffsetMs: 0, pacerRealtimePriority: 40, pacerNice: -10 };

describe('RtpSettingsForm', () => {
  it('sends the DSCP and send offset as typed, and says where the pacer scheduling is set', async () => {
    const onSubmit = vi.fn(async () => undefined);
    render(<RtpSettingsForm settings={SETTINGS} onSubmit={onSubmit} />);
    expect((screen.getByLabelText('DSCP') as HTMLInputElement).value).toBe('34');
    fireEvent.change(screen.getByLabelText('DSCP'), { target: { value: '46' } });
    fireEvent.change(screen.getByLabelText('Send offset (ms)'), { target: { value: '-1.5' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));
    expect(onSubmit).toHaveBeenCalledWith({ dscp: 46, sendOffsetMs: -1.5 });
    expect(screen.getByRole('form', { name: 'RTP settings' }).textContent).toContain('real-time priority 40 and nice -10');
  });

  it("shows the daemon's error beside the field it names", async () => {
    // The browser keeps 0-63 itself (min/max, no submit otherwise); whatever the daemon refuses lands beside its field.
    render(<RtpSettingsForm settings={SETTINGS} onSubmit={() => Promise.reject(new ApiError(400, 'invalid', 'the daemon refused this DSCP', 'body.dscp'))} />);
    fireEvent.change(screen.getByLabelText('DSCP'), { target: { value: '40' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));
    const dscp = screen.getByLabelText('DSCP');
    expect(dscp.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(dscp.getAttribute('aria-describedby') ?? '')?.textContent).toBe('the daemon refused this DSCP');
    expect(screen.getByLabelText('Send offset (ms)').getAttribute('aria-invalid')).toBe('false');
  });

  it('maps field paths to its two fields only', () => {
    expect(rtpFieldOf('body.dscp')).toBe('dscp');
    expect(rtpFieldOf('sendOffsetMs')).toBe('sendOffsetMs');
    expect(rtpFieldOf('pacerNice')).toBeNull();
    expect(rtpFieldOf(undefined)).toBeNull();
  });
});
