import { describe, expect, it } from 'vitest';
import { waitForInterface } from './interface-wait.js';
import { EXIT } from '../errors.js';

describe('waitForInterface', () => {
  it('returns an interface that is there without a word', async () => {
    const said: string[] = [];
    expect(await waitForInterface('lo', 30, (m) => said.push(m))).toEqual({ name: 'lo', address: '127.0.0.1' });
    expect(said).toEqual([]);
  });

  it('without a wait, fails at once with exit code 5', async () => {
    await expect(waitForInterface('nosuch9', 0, () => undefined)).rejects.toMatchObject({ exitCode: EXIT.noInterface, message: expect.stringMatching(/^no such interface 'nosuch9'/) });
  });

  it('with a wait, says what it waits for, and fails at the limit with the last reason', async () => {
    const said: string[] = [];
    await expect(waitForInterface('nosuch9', 1, (m) => said.push(m))).rejects.toMatchObject({
      exitCode: EXIT.noInterface,
      message: expect.stringMatching(/^media interface not usable after waiting 1 s: no such interface 'nosuch9'/),
    });
    expect(said).toEqual([expect.stringMatching(/^media interface not usable yet \(no such interface 'nosuch9' .*\): waiting up to 1 s for it \(interfaceWaitS\)$/)]);
  });

  it('waits for an address given as one, too', async () => {
    await expect(waitForInterface('192.0.2.99', 1, () => undefined)).rejects.toMatchObject({ message: expect.stringMatching(/after waiting 1 s: no interface has the address 192\.0\.2\.99/) });
  });
});
