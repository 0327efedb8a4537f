// The sweep view in headless Chromium: a fixture sweep folder read by the results code renders
// its rows, plot points (means and seeds per method) and sorting; live updates keep the order;
// selecting rows asks for compare mode with every seed's run; CSV and PNG exports; no CSP violation.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import type { SweepResultsPayload } from '../../server/protocol.js';
import { readSweepResults } from '../../server/sweeps/results.js';
import { repoRoot } from './fixtures.js';
import { chromiumUnavailable, launchBrowser, startServer, type TestServer } from './harness.js';
import { THEMES } from './themes.js';

const SCREENSHOTS = join(repoRoot(), 'test-results', 'webview');
/** Final top-1 of each (method, sparsity, seed) in the fixture. */
const FINALS: Record<string, number> = {
  'rigl-0.8-0': 0.975, 'rigl-0.8-1': 0.973, 'rigl-0.9-0': 0.970, 'rigl-0.9-1': 0.968,
  'static-0.8-0': 0.972, 'static-0.8-1': 0.970, 'static-0.9-0': 0.960, 'static-0.9-1': 0.962,
};

/** A sweep folder as `rigl-studio sweep` leaves it: sweep.json, and per run config.yaml and summary.json. */
function fixtureSweep(dir: string, finals: Record<string, number>, running = new Set<string>()): SweepResultsPayload {
  const runs: { runId: string; pointIndex: number; values: Record<string, unknown>; seed: number }[] = [];
  let pointIndex = 0;
  for (const method of ['rigl', 'static']) {
    for (const sparsity of [0.8, 0.9]) {
      for (const seed of [0, 1]) {
        const runId = `p${pointIndex}-${method}-${sparsity}-s${seed}`;
        runs.push({ runId, pointIndex, values: { 'sparsity.method': method, 'sparsity.sparsity': sparsity }, seed });
        mkdirSync(join(dir, runId), { recursive: true });
        writeFileSync(join(dir, runId, 'config.yaml'), stringify({ name: runId, model: 'lenet-300-100', dataset: { name: 'mnist' }, sparsity: { method, sparsity, distribution: 'erk' }, training: { epochs: 1, seed } }));
        const key = `${method}-${sparsity}-${seed}`;
        const live = running.has(key);
        writeFileSync(join(dir, runId, 'summary.json'), JSON.stringify({
          runId, name: runId, state: live ? 'running' : 'completed', model: 'lenet-300-100', method, backend: 'wasm', step: live ? 300 : 600, totalSteps: 600, epoch: 1,
          startedAt: 0, updatedAt: 0, ...(live ? { pid: process.pid } : { final: { top1: finals[key] }, best: { top1: finals[key] + 0.001, step: 600 } }), sparsity: { global: sparsity, layers: [] },
        }));
      }
      pointIndex++;
    }
  }
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({
    format: 'rigl-studio-sweep/1', name: 'fixture', createdAt: 0, updatedAt: 0, seeds: [0, 1], runs,
    axes: [{ key: 'sparsity.method', values: ['rigl', 'static'] }, { key: 'sparsity.sparsity', values: [0.8, 0.9] }],
  }));
  return { ...readSweepResults(dir), sweepId: 'fixture-sweep' };
}

let server: TestServer | undefined;
let browser: Browser | undefined;
const work = mkdtempSync(join(tmpdir(), 'rigl-sweep-view-'));

before(async () => {
  server = await startServer('sweep');
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  browser ??= await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
  await page.addInitScript((theme) => {
    const record = { posted: [] as unknown[], csp: [] as string[] };
    (window as unknown as { __stub: typeof record }).__stub = record;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: (m: unknown) => record.posted.push(m), getState: () => undefined, setState: () => undefined });
    document.addEventListener('securitypolicyviolation', (event) => record.csp.push(event.violatedDirective));
    const apply = () => {
      if (!document.body) return false;
      for (const [name, value] of Object.entries(theme.variables)) document.documentElement.style.setProperty(name, value);
      document.body.className = theme.bodyClass;
      return true;
    };
    if (!apply()) new MutationObserver((_, observer) => { if (apply()) observer.disconnect(); }).observe(document, { childList: true, subtree: true });
  }, THEMES.dark);
  await page.goto(server!.origin);
  await page.waitForFunction(() => window.__riglSweep !== undefined);
  return { page, errors };
}

async function show(page: Page, results: SweepResultsPayload): Promise<void> {
  await page.evaluate((message) => new Promise<void>((resolve) => {
    window.addEventListener('message', () => requestAnimationFrame(() => resolve()), { once: true });
    window.postMessage(message, '*');
  }), { type: 'results', results });
}

const rows = (page: Page) => page.evaluate(() => window.__riglSweep!.rows());
const posted = (page: Page) => page.evaluate(() => (window as unknown as { __stub: { posted: { type: string }[] } }).__stub.posted);

test('renders a fixture sweep: rows, plot points per method with seed spread, sorting, compare and exports', async (t) => {
  if (chromiumUnavailable(t)) return;
  const dir = join(work, 'fixture-sweep');
  mkdirSync(dir);
  const results = fixtureSweep(dir, FINALS);
  const { page, errors } = await openPage();
  t.after(() => page.close());
  assert.deepEqual(await posted(page), [{ type: 'ready' }]);
  await show(page, results);

  assert.deepEqual(await page.evaluate(() => window.__riglSweep!.header()), ['', 'sparsity.method', 'sparsity.sparsity', 'runs', 'final top-1', 'best top-1', 'sparsity', 'inference FLOPs', 'training FLOPs']);
  const drawn = await rows(page);
  assert.deepEqual(drawn.map((r) => r.slice(0, 4)), [
    ['rigl', '0.8', '2/2', '97.40 ± 0.14%'],
    ['rigl', '0.9', '2/2', '96.90 ± 0.14%'],
    ['static', '0.8', '2/2', '97.10 ± 0.14%'],
    ['static', '0.9', '2/2', '96.10 ± 0.14%'],
  ]);
  assert.equal(drawn[0][5], '80.00%', 'effective sparsity from the summaries');

  const plot = await page.evaluate(() => window.__riglSweep!.plot());
  assert.deepEqual(plot.map((s) => s.label), ['rigl', 'static']);
  const rounded = (points: { x: number; y: number }[]) => points.map((p) => [p.x, Math.round(p.y * 1e4) / 1e4]);
  assert.deepEqual(rounded(plot[0].means), [[0.8, 0.974], [0.9, 0.969]]);
  assert.deepEqual(rounded(plot[1].seeds), [[0.8, 0.972], [0.8, 0.97], [0.9, 0.96], [0.9, 0.962]]);

  // Sorting: by final top-1 (ascending, then descending on a second click), and by a grid column.
  await page.getByRole('button', { name: 'Sort by final top-1' }).click();
  assert.deepEqual((await rows(page)).map((r) => `${r[0]} ${r[1]}`), ['static 0.9', 'rigl 0.9', 'static 0.8', 'rigl 0.8']);
  await page.getByRole('button', { name: 'Sort by final top-1' }).click();
  assert.deepEqual((await rows(page)).map((r) => `${r[0]} ${r[1]}`), ['rigl 0.8', 'static 0.8', 'rigl 0.9', 'static 0.9']);
  await page.getByRole('button', { name: 'Sort by sparsity.sparsity' }).click();
  assert.deepEqual((await rows(page)).map((r) => `${r[0]} ${r[1]}`), ['rigl 0.8', 'static 0.8', 'rigl 0.9', 'static 0.9']);

  // Select two grid points → compare mode with every seed of both.
  await page.getByRole('checkbox', { name: 'Select sparsity.method=rigl, sparsity.sparsity=0.9' }).check();
  await page.getByRole('checkbox', { name: 'Select sparsity.method=static, sparsity.sparsity=0.9' }).check();
  await page.getByRole('button', { name: 'Compare selected' }).click();
  await page.getByRole('button', { name: 'Export CSV' }).click();
  await page.getByRole('button', { name: 'Export PNG' }).click();
  const messages = (await posted(page)) as unknown as Record<string, unknown>[];
  assert.deepEqual(messages[1], { type: 'compare', runIds: ['fixture-sweep/p1-rigl-0.9-s0', 'fixture-sweep/p1-rigl-0.9-s1', 'fixture-sweep/p3-static-0.9-s0', 'fixture-sweep/p3-static-0.9-s1'] });
  assert.equal(messages[2].type, 'exportCsv');
  assert.match(String(messages[2].csv), /^sparsity\.method,sparsity\.sparsity,runs,completed,final_top1_mean,/);
  assert.equal(String(messages[2].csv).trim().split('\n').length, 5);
  assert.equal(messages[3].type, 'exportPng');
  assert.match(String(messages[3].dataUrl), /^data:image\/png;base64,/);

  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'sweep-view.png'), fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __stub: { csp: string[] } }).__stub.csp), []);
});

test('live: new results redraw the table and plot, keeping the sort order and the selection', async (t) => {
  if (chromiumUnavailable(t)) return;
  const dir = join(work, 'live-sweep');
  mkdirSync(dir);
  const { page, errors } = await openPage();
  t.after(() => page.close());
  // First two runs still training: their grid point has one seed done.
  await show(page, fixtureSweep(dir, FINALS, new Set(['rigl-0.9-0', 'static-0.9-1'])));
  assert.deepEqual((await rows(page)).map((r) => r[2]), ['2/2', '1/2', '2/2', '1/2']);
  await page.getByRole('button', { name: 'Sort by final top-1' }).click();
  await page.getByRole('checkbox', { name: 'Select sparsity.method=rigl, sparsity.sparsity=0.8' }).check();
  const before = await rows(page);
  assert.deepEqual(before.map((r) => `${r[0]} ${r[1]} ${r[3]}`), ['static 0.9 96.00%', 'rigl 0.9 96.80%', 'static 0.8 97.10 ± 0.14%', 'rigl 0.8 97.40 ± 0.14%']);
  // The runs finish; the static 0.9 point comes out better than before.
  await show(page, fixtureSweep(dir, { ...FINALS, 'static-0.9-1': 0.990 }));
  const after = await rows(page);
  assert.deepEqual(after.map((r) => `${r[0]} ${r[1]} ${r[2]}`), ['rigl 0.9 2/2', 'static 0.8 2/2', 'rigl 0.8 2/2', 'static 0.9 2/2']);
  assert.deepEqual(await page.evaluate(() => window.__riglSweep!.selected()), [0]);
  const plot = await page.evaluate(() => window.__riglSweep!.plot());
  assert.equal(plot[1].seeds.length, 4);
  assert.deepEqual(errors, []);
});
