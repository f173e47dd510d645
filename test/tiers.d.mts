export interface Tier {
  name: 'unit' | 'daemon' | 'netns' | 'qemu' | 'browser';
  what: string;
  /** Vitest include globs (a plain path matches that file). */
  include: string[];
  testTimeoutMs: number;
  /** Wall-clock limit for the whole tier in scripts/test.sh. */
  budgetS: number;
  /** What the tier cannot run without; scripts/test.sh skips it loudly, or fails under REQUIRE_NETNS=1. */
  needs: 'root' | null;
}
export const TIERS: Tier[];
export function tierOf(file: string): Tier['name'];
export function testFiles(root: string): Promise<string[]>;
export function checkTiers(files: string[]): void;
