// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../api/client.js';
import type { PtpConfig } from '../api/types.js';
import { draftOf, patchOf, PtpSettingsForm } from './PtpSettingsForm.js';

afterEach(cleanup);

const ATTACHED: PtpConfig = { mode: 'attach', socket: '/var/run/ptp4l', interface: null, domain: 0, priority1: 250, timestamping: 'software', freeRunning: true, policy: 'keep-streaming' };
const IFACES = [
  { name: 'eth1', address: '10.0.0.2', up: true, multicast: true },
  { name: 'lo', address: '127.0.0.1', up: true, multicast: false },
];

const apply = () => act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));

describe('PtpSettingsForm', () => {
  it('switches from attach to following on an interface: sends mode, interface and socket, never freeRunning', async () => {
    const onSubmit = vi.fn(async () => ATTACHED);
    render(<PtpSettingsForm settings={ATTACHED} interfaces={IFACES} onSubmit={onSubmit} />);
    expect((screen.getByLabelText('Follow a grandmaster on the network') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByLabelText(/^Run ptp4l on an interface/));
    expect(screen.getByRole('option', { name: 'lo (127.0.0.1, link up, no multicast)' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Interface'), { target: { value: 'eth1' } });
    fireEvent.change(screen.getByLabelText(/^ptp4l's socket/), { target: { value: '/run/aes67/ptp4l' } });
    fireEvent.change(screen.getByLabelText('Domain'), { target: { value: '3' } });
    await apply();
    expect(onSubmit).toHaveBeenCalledWith({ mode: 'supervise', interface: 'eth1', socket: '/run/aes67/ptp4l', timestamping: 'software', domain: 3, policy: 'keep-streaming' });
  });

  it('offers a low priority1 for a grandmaster, and shows the daemon\'s refusal beside the field it names', async () => {
    render(<PtpSettingsForm settings={ATTACHED} interfaces={IFACES} onSubmit={() => Promise.reject(new ApiError(400, 'ptp_not_runnable', "interface: interface 'lo' cannot multicast", 'interface'))} />);
    fireEvent.click(screen.getByLabelText('This host is the grandmaster'));
    expect((screen.getByLabelText('Priority 1') as HTMLInputElement).value).toBe('10');
    fireEvent.change(screen.getByLabelText('Interface'), { target: { value: 'lo' } });
    await apply();
    const iface = screen.getByLabelText('Interface');
    expect(iface.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(iface.getAttribute('aria-describedby') ?? '')?.textContent).toBe("interface: interface 'lo' cannot multicast");
  });

  it('turns PTP off without touching the settings it does not use', () => {
    const supervised: PtpConfig = { ...ATTACHED, mode: 'supervise', interface: 'eth1' };
    expect(patchOf({ ...draftOf(supervised), role: 'off' })).toEqual({ mode: 'off', domain: 0, policy: 'keep-streaming' });
    expect(draftOf({ ...supervised, mode: 'grandmaster', priority1: 5 })).toMatchObject({ role: 'grandmaster', interface: 'eth1', priority1: '5' });
  });
});
