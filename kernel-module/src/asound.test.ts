import { describe, expect, it } from 'vitest';
import { parseAsoundCards, parseSubstreamStatus } from './asound.js';
import { recordedProc } from './__fixtures__/fakes.js';

describe('parseAsoundCards', () => {
  it('reads the snd-aloop card exactly as a real kernel printed it', () => {
    expect(parseAsoundCards(recordedProc('load-ok', 'cards'))).toEqual([
      { index: 0, id: 'Loopback', driver: 'Loopback', shortName: 'Loopback', longName: 'Loopback 1' },
    ]);
  });

  it('finds the RAVENNA card among several and keeps long names apart', () => {
    const text =
      ' 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PCH at 0xf7f10000 irq 33\n' +
      ' 1 [RAVENNA        ]: snd_merging_rav - Merging RAVENNA\n                      Merging RAVENNA\n';
    const cards = parseAsoundCards(text);
    expect(cards.map((c) => [c.index, c.id, c.longName])).toEqual([
      [0, 'PCH', 'HDA Intel PCH at 0xf7f10000 irq 33'],
      [1, 'RAVENNA', 'Merging RAVENNA'],
    ]);
    expect(cards[1].driver).toBe('snd_merging_rav');
  });

  it('returns no cards for the "no soundcards" text and for junk', () => {
    expect(parseAsoundCards('--- no soundcards ---\n')).toEqual([]);
    expect(parseAsoundCards('\0garbage [x')).toEqual([]);
  });
});

describe('parseSubstreamStatus', () => {
  it('reads state and owner pid of an open substream recorded from the guest', () => {
    expect(parseSubstreamStatus(recordedProc('unload-while-open', 'subStatusOpen'))).toEqual({ state: 'OPEN', ownerPid: expect.any(Number) });
  });
});
