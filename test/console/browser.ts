/** Playwright helpers for the console e2e: page visits, screenshots at two widths, and axe-core runs. */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO } from '../harness/sender.js';
import { CHROMIUM_ARGS, type DaemonRig } from './rig.js';

export const ARTIFACTS = join(REPO, 'test-artifacts', 'console');
export const VIEWPORTS = { desktop: { width: 1366, height: 900 }, tablet: { width: 768, height: 1024 } } as const;
export const PAGES = ['overview', 'speakers', 'patch', 'streams', 'player', 'ptp', 'network', 'system', 'setup'] as const;

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe-core violations on the current page. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the console's Content-Security-Policy (script-src 'self')
  // refuses an inline <script>, which is what addScriptTag would add.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    // Runs in the page; the test tsconfig has no DOM types, so the page globals are typed here.
    const g = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, o: object) => Promise<{ violations: AxeViolation[] }> } };
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function visit(page: Page, base: string, id: (typeof PAGES)[number]): Promise<void> {
  await page.goto(`${base}/#/${id}`);
  try {
    await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 10_000 });
    await page.locator('.conn.open').waitFor({ timeout: 10_000 });
  } catch (e) {
    // Say what the page shows instead, e.g. "Cannot reach the daemon".
    throw new Error(`${id} page did not come up: ${(e as Error).message.split('\n')[0]}; page text: ${(await page.locator('body').innerText()).slice(0, 300)}`);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Debian's Chromium inside the rig's sender namespace, with a desktop page that reports its errors. */
export async function openBrowser(rig: DaemonRig): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: rig.chromium, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: VIEWPORTS.desktop, colorScheme: 'light' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { browser, page };
}
