// Driving VS Code's workbench in the browser as a person would: the command palette, quick open,
// the Problems panel, the activity bar, and finding the dashboard webview's frame.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { DashboardTestHook } from '../../media/dashboard/test-hook.js';

export const UI_TIMEOUT = 60_000;

/**
 * Waits for the quick input to show `label` as its first (selected) row, then accepts it and waits
 * until the input has moved on: closed, or showing another pick (a command that asks for a run).
 */
async function acceptFirst(page: Page, label: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: label }).waitFor({ timeout: UI_TIMEOUT });
  const input = widget.locator('input').first();
  const typed = await input.inputValue();
  const title = await widget.locator('.quick-input-title').textContent().catch(() => '');
  await page.keyboard.press('Enter');
  await waitUntil(page, `the quick input to accept "${label}"`, async () => {
    if (!(await widget.isVisible())) return true;
    const moved = (await input.inputValue()) !== typed || (await widget.locator('.quick-input-title').textContent().catch(() => '')) !== title;
    return moved ? true : undefined;
  });
}

/** F1, type the command's title, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT });
  await input.fill(`>${title}`);
  await acceptFirst(page, title);
}

/** Quick open (the command palette without its '>'): type a file name, Enter. */
export async function openFile(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_TIMEOUT });
  await input.fill(fileName);
  await acceptFirst(page, fileName);
  await page.locator(`.tabs-container .tab.active[aria-label*="${fileName}"]`).waitFor({ timeout: UI_TIMEOUT });
}

/** Accepts the quick pick a command opened, by the label of the row it should show first. */
export async function pickInQuickInput(page: Page, label: string): Promise<void> {
  await page.locator('.quick-input-widget').waitFor({ timeout: UI_TIMEOUT });
  await acceptFirst(page, label);
}

/** The frame of the RigL dashboard webview (nested in VS Code's webview iframes), once it has loaded. */
export async function dashboardFrame(page: Page, timeoutMs = UI_TIMEOUT): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate(() => typeof (window as { __riglDashboard?: unknown }).__riglDashboard === 'object').catch(() => false);
      if (found) return frame;
    }
    if (Date.now() > deadline) throw new Error('no frame with window.__riglDashboard appeared');
    await page.waitForTimeout(200);
  }
}

export interface DrawnDashboard {
  runIds: string[];
  /** Points drawn per chart id, summed over its datasets. */
  drawn: Record<string, number>;
  /** Points drawn per chart id and series key (e.g. loss → train, eval). */
  series: Record<string, Record<string, number>>;
  heading: string;
  cards: string[];
  canvases: number;
}

/** What the dashboard has drawn, after it has applied every message received so far. */
export async function readDashboard(frame: Frame): Promise<DrawnDashboard> {
  return frame.evaluate(async () => {
    const hook = (window as { __riglDashboard?: DashboardTestHook }).__riglDashboard!;
    await hook.whenIdle();
    const drawn: Record<string, number> = {};
    const series: Record<string, Record<string, number>> = {};
    for (const [chart, datasets] of Object.entries(hook.charts())) {
      drawn[chart] = datasets.reduce((sum, d) => sum + d.drawn, 0);
      series[chart] = {};
      for (const d of datasets) series[chart]![d.series] = (series[chart]![d.series] ?? 0) + d.drawn;
    }
    return {
      runIds: hook.runIds(),
      drawn,
      series,
      heading: document.querySelector('h1')?.textContent ?? '',
      cards: Array.from(document.querySelectorAll('.run-card')).map((card) => card.textContent ?? ''),
      canvases: document.querySelectorAll('canvas').length,
    };
  });
}

/** Polls a condition on the page (never a fixed sleep) until it holds or the time is up. */
export async function waitUntil<T>(page: Page, what: string, probe: () => Promise<T | undefined>, timeoutMs = UI_TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await page.waitForTimeout(250);
  }
}

export class Screenshots {
  readonly dir: string;
  private count = 0;

  constructor(root: string) {
    this.dir = join(root, 'test-results', 'e2e');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Removes the screenshots of an earlier run, so the folder shows this one only. */
  clear(): void {
    for (const file of readdirSync(this.dir)) if (file.endsWith('.png')) rmSync(join(this.dir, file));
  }

  async take(page: Page, name: string): Promise<string> {
    const file = join(this.dir, `${String(++this.count).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }
}
