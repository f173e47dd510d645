// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '../api/client.js';
import { LibraryFolder } from './LibraryFolder.js';

afterEach(cleanup);

const STATUS = { path: '/srv/music', scanning: true, scanned: 20, total: 50 };

describe('LibraryFolder', () => {
  it('shows the folder and how far its scan is, and sends the folder as typed', async () => {
    const onChange = vi.fn(async () => undefined);
    render(<LibraryFolder status={STATUS} onChange={onChange} onRescan={async () => undefined} />);
    expect((screen.getByLabelText('Music folder') as HTMLInputElement).value).toBe('/srv/music');
    expect(screen.getByRole('form', { name: 'Library folder' }).textContent).toContain('Scanning /srv/music: 20 of 50 files');
    expect((screen.getByRole('button', { name: 'Rescan' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Music folder'), { target: { value: ' /mnt/nas/music ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));
    expect(onChange).toHaveBeenCalledWith('/mnt/nas/music');
  });

  it("shows the daemon's reason beside the field, and a scan's error under it", async () => {
    const refuse = () => Promise.reject(new ApiError(400, 'invalid_library', 'path: /etc is inside /etc, a system folder of the host, not a music library', 'path'));
    render(<LibraryFolder status={{ ...STATUS, scanning: false, error: 'cannot scan the library: /srv/music does not exist' }} onChange={refuse} onRescan={async () => undefined} />);
    fireEvent.change(screen.getByLabelText('Music folder'), { target: { value: '/etc' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Apply' })));
    const input = screen.getByLabelText('Music folder');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent).toBe('path: /etc is inside /etc, a system folder of the host, not a music library');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain('cannot scan the library: /srv/music does not exist');
  });

  it('rescans on Rescan once no scan runs, and follows a folder changed elsewhere', async () => {
    const onRescan = vi.fn(async () => undefined);
    const { rerender } = render(<LibraryFolder status={{ ...STATUS, scanning: false, scanned: 50 }} onChange={async () => undefined} onRescan={onRescan} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Rescan' })));
    expect(onRescan).toHaveBeenCalledTimes(1);
    rerender(<LibraryFolder status={{ ...STATUS, path: '/data/music' }} onChange={async () => undefined} onRescan={onRescan} />);
    expect((screen.getByLabelText('Music folder') as HTMLInputElement).value).toBe('/data/music');
  });
});
