// The dashboard webview in headless Chromium: a run replayed live, smoothing, exports, the layer
// picker and persisted state, compare mode, and screenshots in light, dark and high-contrast themes.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { CSV_COLUMNS } from '../../media/dashboard/model/csv.js';
import type { Theme } from '../../media/dashboard/theme.js';
import type { MaskEvent, RunEvent } from '../../server/protocol.js';
import { expectedCounts, generateRunEvents, loadRunEvents, repoRoot, runIdOf } from './fixtures.js';
import { bundleMissing, chromiumUnavailable, DashboardPage, launchBrowser, startServer, type TestServer } from './harness.js';

const SCREENSHOTS = join(repoRoot(), 'test-results', 'webview');

describe('dashboard webview', () => {
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  const { events, source } = loadRunEvents();
  const runId = runIdOf(events);
  const expected = expectedCounts(events);

  before(async () => {
    const missing = bundleMissing();
    if (missing) throw new Error(missing);
    server = await startServer();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh dashboard page; undefined when the test was skipped for want of Chromium. */
  async function open(t: Parameters<typeof chromiumUnavailable>[0], options: Parameters<typeof DashboardPage.open>[2] = {}) {
    if (chromiumUnavailable(t)) return undefined;
    browser ??= await launchBrowser();
    const page = await DashboardPage.open(browser, server!, options);
    t.after(() => page.close());
    return page;
  }

  /** Replays a stream the way a live run arrives: a snapshot of its first events, then batches. */
  async function replay(page: DashboardPage, stream: RunEvent[], id: string, batch = 40): Promise<void> {
    await page.post({ type: 'snapshot', runs: [{ runId: id, events: stream.slice(0, 3) }] });
    const messages = [];
    for (let i = 3; i < stream.length; i += batch) messages.push({ type: 'events' as const, runId: id, events: stream.slice(i, i + batch) });
    // Posted back to back: the dashboard coalesces whatever arrives within a frame.
    for (let i = 0; i < messages.length; i += 25) await page.postAll(messages.slice(i, i + 25));
  }

  test('replays a run live and draws every event', async (t) => {
    const page = await open(t);
    if (!page) return;
    t.diagnostic(`events: ${source}`);
    assert.deepEqual((await page.posted())[0], { type: 'ready' }, 'posts ready on load');
    await replay(page, events, runId);

    const charts = await page.hook('charts');
    const count = (chart: string, series: string) => {
      const dataset = charts[chart]?.find((d) => d.series === series);
      assert.ok(dataset, `${chart}/${series} exists`);
      assert.equal(dataset.drawn, dataset.points, `${chart}/${series}: every point drawn below the decimation threshold`);
      return dataset.points;
    };
    assert.equal(count('loss', 'trainRaw'), expected.train);
    assert.equal(count('loss', 'trainSmoothed'), expected.train);
    assert.equal(count('loss', 'eval'), expected.eval);
    assert.equal(count('accuracy', 'trainSmoothed'), expected.train);
    assert.equal(count('accuracy', 'evalTop1'), expected.eval);
    assert.equal(count('accuracy', 'evalTop5'), expected.top5);
    assert.equal(count('lr', 'lr'), expected.train);
    assert.equal(count('flops', 'sparse'), expected.train);
    assert.equal(count('flops', 'dense'), expected.train);
    assert.equal(count('updateFraction', 'f'), expected.mask);
    for (const series of ['dropped', 'grown', 'grownBack']) assert.equal(count('maskDynamics', series), expected.mask);
    assert.equal(count('itop', 'global'), expected.mask);
    assert.equal(count('itop', 'layer'), expected.mask);

    const density = await page.hook('density');
    assert.ok(density);
    assert.equal(density.layers, expected.layers);
    if (expected.model === 'resnet50') assert.equal(density.layers, 54, 'ResNet-50 has 54 masked layers');
    assert.ok(density.labels.includes('layer3.4.conv2') || expected.model !== 'resnet50');
    const actual = density.datasets.find((d) => d.label === 'actual');
    assert.ok(actual && actual.values.every((v) => typeof v === 'number' && v > 0 && v <= 1), 'actual density of every layer');

    const heatmap = await page.hook('heatmap');
    assert.ok(heatmap);
    assert.equal(heatmap.rows, expected.layers);
    assert.equal(heatmap.columns, expected.mask);
    assert.equal(heatmap.cells, expected.layers * expected.mask);

    const info = events.find((e) => e.type === 'status' && e.info)!;
    const header = page.page.locator('.run-card');
    const name = info.type === 'status' ? info.info!.name : '';
    assert.equal(await header.locator('.run-name').textContent(), name);
    const last = [...events].reverse().find((e) => e.type === 'status');
    assert.equal(await header.locator('.state-badge').textContent(), last?.type === 'status' ? last.state : '');
    assert.equal(await header.locator('.backend').getAttribute('title'), info.type === 'status' ? info.info!.backendReason : '');
    const totalSteps = info.type === 'status' ? info.info!.totalSteps : 0;
    assert.match((await header.textContent()) ?? '', new RegExp(`/ ${totalSteps.toLocaleString('en-US')}`));
    if (last?.type === 'status' && last.state === 'running') assert.match((await header.locator('.stat').last().textContent()) ?? '', /ETA\s*\d/);

    // Hovering the heatmap names a layer and an update.
    const canvas = page.page.locator('#chart-churn');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    const tip = page.page.locator('.heatmap-tooltip');
    assert.equal(await tip.isVisible(), true);
    assert.match((await tip.textContent()) ?? '', /step [\d,]+ \(update \d+ of \d+\)/);

    assert.deepEqual(await page.cspViolations(), [], 'nothing blocked by the webview CSP');
    assert.deepEqual(page.errors, []);
  });

  test('loss and accuracy mark the planned mask updates up to the latest step; other charts do not', async (t) => {
    const page = await open(t);
    if (!page) return;
    const stream = generateRunEvents({ runId: 'marks', totalSteps: 3000, maskEvery: 100, tEndFraction: 0.75, stopAtStep: 1234 });
    await replay(page, stream, 'marks');
    const expectedMarks = Array.from({ length: 12 }, (_, i) => (i + 1) * 100);
    assert.deepEqual(await page.hook('maskUpdateMarks', 'loss'), expectedMarks);
    assert.deepEqual(await page.hook('maskUpdateMarks', 'accuracy'), expectedMarks);
    assert.deepEqual(await page.hook('maskUpdateMarks', 'lr'), []);
  });

  test('the heatmap colours what changed per layer, (grown − grown back) ÷ active; churn stays in the tooltip; the reference top-1 is compared', async (t) => {
    const page = await open(t);
    if (!page) return;
    const stream = generateRunEvents({ runId: 'changed', model: 'resnet20', totalSteps: 2000, stepsPerEpoch: 200 })
      .map((e) => (e.type === 'status' && e.info ? { ...e, info: { ...e.info, reference: { top1: 0.746, source: 'the published row' } } } : e));
    await page.post({ type: 'snapshot', runs: [{ runId: 'changed', events: stream }] });
    const lastMask = [...stream].reverse().find((e): e is MaskEvent => e.type === 'mask')!;
    const heatmap = (await page.hook('heatmap'))!;
    const expectedChange = lastMask.layers.map((l) => (l.grown - l.grownBack) / l.active);
    heatmap.latestChange.forEach((value, i) => assert.ok(Math.abs(value! - expectedChange[i]) < 1e-12, `${lastMask.layers[i].name}: ${value} vs ${expectedChange[i]}`));
    const sparseRows = lastMask.layers.map((l, i) => ({ l, i })).filter(({ l }) => l.density < 1);
    assert.ok(new Set(sparseRows.map(({ i }) => heatmap.latestChange[i]!.toFixed(9))).size > 1, 'what the heatmap shows differs per layer');
    assert.equal(heatmap.maxChange, Math.max(...stream.filter((e): e is MaskEvent => e.type === 'mask').flatMap((e) => e.layers.map((l) => (l.grown - l.grownBack) / l.active))));
    const canvas = page.page.locator('#chart-churn');
    await canvas.focus();
    const tip = page.page.locator('.heatmap-tooltip');
    assert.match((await tip.textContent()) ?? '', /changed [\d.]+% \(\(grown − grown back\) ÷ active\).*churn [\d.]+% \(grown ÷ active\)/);
    const reference = page.page.locator('.run-card .reference');
    assert.match((await reference.textContent()) ?? '', /^74\.6% · best [\d.]+% \([+−]\d+\.\d pts\)$/);
    assert.equal(await reference.getAttribute('title'), 'the published row');
    assert.deepEqual(page.errors, []);
  });

  test('the smoothing slider changes the smoothed loss, from the keyboard, and is persisted', async (t) => {
    const page = await open(t);
    if (!page) return;
    await page.post({ type: 'snapshot', runs: [{ runId, events }] });
    const raw = await page.hook('values', 'loss', runId, 'trainRaw');
    const slider = page.page.locator('#smoothing');
    await slider.focus();
    await page.page.keyboard.press('Home');
    await page.idle();
    assert.deepEqual(await page.hook('values', 'loss', runId, 'trainSmoothed'), raw, 'weight 0: the smoothed curve is the raw one');
    await page.page.keyboard.press('End');
    await page.idle();
    const smooth = await page.hook('values', 'loss', runId, 'trainSmoothed');
    assert.equal(smooth.length, raw.length);
    assert.notDeepEqual(smooth, raw);
    // TensorBoard's debiased EMA, computed here independently: last = last·w + (1−w)·v, shown as last / (1 − w^n).
    const tensorBoard = (values: number[], w: number) => {
      let last = 0;
      return values.map((v, i) => {
        last = last * w + (1 - w) * v;
        return last / (1 - w ** (i + 1));
      });
    };
    const close = (actual: number[], expected: number[]) => actual.length === expected.length && actual.every((v, i) => Math.abs(v - expected[i]) < 1e-9 * Math.max(1, Math.abs(expected[i])));
    assert.ok(close(smooth, tensorBoard(raw, 0.999)), 'smoothed = TensorBoard EMA at 0.999');
    assert.equal(await page.page.locator('#smoothing-value').textContent(), '0.999');
    assert.deepEqual(await page.state(), { version: 1, smoothing: 0.999, runIds: [runId] });
    for (let i = 0; i < 5; i++) await page.page.keyboard.press('ArrowLeft');
    await page.idle();
    assert.ok(close(await page.hook('values', 'loss', runId, 'trainSmoothed'), tensorBoard(raw, 0.994)), 'arrow keys step the weight by 0.001');
  });

  test('exports a run as CSV and a chart as PNG', async (t) => {
    const page = await open(t);
    if (!page) return;
    await page.post({ type: 'snapshot', runs: [{ runId, events }] });
    await page.page.getByRole('button', { name: /Export the events of/ }).click();
    await page.page.getByRole('button', { name: 'Save the Loss chart as PNG' }).click();
    const posted = await page.posted();
    const csvMessage = posted.find((m) => m.type === 'exportCsv');
    assert.ok(csvMessage && csvMessage.type === 'exportCsv');
    assert.equal(csvMessage.runId, runId);
    const lines = csvMessage.csv.trimEnd().split('\n');
    assert.equal(lines[0], CSV_COLUMNS.join(','));
    assert.equal(lines.length, events.length + 1, 'a header and a row per event');
    const firstTrain = events.find((e) => e.type === 'train')!;
    const row = lines[1 + events.indexOf(firstTrain)].split(',');
    const column = (name: string) => row[CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number])];
    assert.equal(column('type'), 'train');
    assert.equal(Number(column('step')), firstTrain.step);
    assert.equal(Number(column('loss')), firstTrain.type === 'train' ? firstTrain.loss : NaN);
    assert.equal(column('top1'), '');
    const firstMask = events.find((e) => e.type === 'mask');
    if (firstMask?.type === 'mask') {
      const maskRow = lines[1 + events.indexOf(firstMask)].split(',');
      assert.equal(Number(maskRow[CSV_COLUMNS.indexOf('sparsity')]), firstMask.global.sparsity);
      assert.equal(Number(maskRow[CSV_COLUMNS.indexOf('updateFraction')]), firstMask.updateFraction);
    }
    const png = posted.find((m) => m.type === 'exportPng');
    assert.ok(png && png.type === 'exportPng');
    assert.equal(png.chart, 'loss');
    assert.match(png.dataUrl, /^data:image\/png;base64,[A-Za-z0-9+/]{1000,}/);
  });

  test('the ITOP layer picker is restored, persisted, and driven from the heatmap by keyboard', async (t) => {
    const page = await open(t, { initialState: { version: 1, smoothing: 0.25, selectedLayer: 'fc' } });
    if (!page) return;
    await page.post({ type: 'snapshot', runs: [{ runId, events }] });
    assert.equal(await page.page.locator('#smoothing').inputValue(), '0.25', 'smoothing restored from getState');
    const picker = page.page.locator('#itop-layer');
    const layers = await picker.locator('option').allTextContents();
    assert.equal(layers.length, expected.layers);
    const restored = layers.includes('fc') ? 'fc' : layers[0];
    assert.equal(await picker.inputValue(), restored);
    const itopLabel = async () => (await page.hook('charts')).itop.find((d) => d.series === 'layer')?.label;
    assert.equal(await itopLabel(), restored);
    const other = layers[Math.min(5, layers.length - 1)];
    await picker.selectOption(other);
    assert.equal(await itopLabel(), other);
    assert.equal((await page.state() as { selectedLayer?: string }).selectedLayer, other);

    // The heatmap from the keyboard: arrows move a cell cursor with its tooltip, Enter picks the row's layer.
    const heatmap = page.page.locator('#chart-churn');
    await heatmap.focus();
    await page.page.keyboard.press('ArrowDown');
    await page.page.keyboard.press('ArrowDown');
    await page.page.keyboard.press('ArrowLeft');
    const tip = page.page.locator('.heatmap-tooltip');
    assert.equal(await tip.isVisible(), true);
    assert.equal(await tip.locator('.tooltip-title').textContent(), layers[2]);
    await page.page.keyboard.press('Enter');
    assert.equal(await picker.inputValue(), layers[2]);
    assert.equal(await itopLabel(), layers[2]);
    await page.page.keyboard.press('Escape');
    assert.equal(await tip.isVisible(), false);
  });

  test('a resumed run replaces the steps it repeats', async (t) => {
    const page = await open(t);
    if (!page) return;
    const stream = generateRunEvents({ runId: 'resumed', stopAtStep: 2000 });
    const info = stream.find((e) => e.type === 'status' && e.info)!;
    const last = stream[stream.length - 1];
    // Stopped at 2000, resumed from the checkpoint at 1500: steps 1501.. come again, later in time.
    const again = generateRunEvents({ runId: 'resumed', stopAtStep: 2600 })
      .filter((e) => e.type !== 'status' && e.step > 1500)
      .map((e) => ({ ...e, time: e.time + 600_000 }));
    const resumed: RunEvent[] = [
      ...stream,
      { type: 'status', state: 'stopped', step: 2000, epoch: 4, time: last.time + 1000 },
      { ...info, step: 1500, epoch: 3, time: last.time + 600_000 },
      ...again,
    ];
    await replay(page, resumed, 'resumed', 50);
    const counts = expectedCounts(resumed);
    const charts = await page.hook('charts');
    assert.equal(charts.loss.find((d) => d.series === 'trainRaw')?.points, counts.train);
    assert.equal(counts.train, 2600 / 20, 'one point per train step, the repeated ones once');
    assert.equal(charts.updateFraction[0].points, counts.mask);
    assert.equal((await page.hook('heatmap'))?.columns, counts.mask);
    const steps = await page.hook('values', 'loss', 'resumed', 'trainRaw');
    assert.equal(steps.length, counts.train);
    assert.equal(await page.page.locator('.state-badge').textContent(), 'running');
  });

  test('compare mode overlays runs with one colour and legend entry each; a snapshot rebuilds from scratch', async (t) => {
    const page = await open(t, { theme: 'dark' });
    if (!page) return;
    const a = generateRunEvents({ runId: 'run-a', name: 'rigl-90', seed: 3 });
    const b = generateRunEvents({ runId: 'run-b', name: 'set-80', method: 'set', sparsity: 0.8, alpha: 0.5, seed: 7, stopAtStep: 3300 });
    await page.post({ type: 'snapshot', runs: [{ runId: 'run-a', events: a }, { runId: 'run-b', events: b }] });
    assert.deepEqual(await page.hook('runIds'), ['run-a', 'run-b']);
    assert.deepEqual((await page.state() as { runIds?: string[] }).runIds, ['run-a', 'run-b'], 'shown runs persisted for a revived panel');
    const charts = await page.hook('charts');
    const loss = charts.loss.filter((d) => d.series === 'trainSmoothed');
    assert.deepEqual(loss.map((d) => d.runId), ['run-a', 'run-b']);
    assert.deepEqual(loss.map((d) => d.points), [expectedCounts(a).train, expectedCounts(b).train]);
    assert.deepEqual(charts.lr.map((d) => d.label), ['rigl-90', 'set-80'], 'a single-series chart names runs only');
    const legend = await page.page.evaluate(() => {
      const hook = window.__riglDashboard!;
      return hook.charts().updateFraction.map((d) => d.label);
    });
    assert.deepEqual(legend, ['rigl-90', 'set-80']);
    assert.equal(await page.page.locator('.run-card').count(), 2);
    const density = await page.hook('density');
    assert.deepEqual(density?.datasets.map((d) => d.label), ['target (rigl-90)', 'rigl-90', 'set-80']);
    // The generated streams are ResNet-50 whatever the recorded fixture is: its 54 masked layers.
    assert.equal(density?.layers, 54);
    assert.equal((await page.hook('heatmap'))?.cells, 54 * expectedCounts(a).mask);
    const theme = await page.hook('theme');
    const colors = await page.page.locator('.run-swatch').evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
    assert.equal(new Set(colors).size, 2, `two distinct run colours (${theme.runColors.slice(0, 2).join(', ')})`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.page.screenshot({ path: join(SCREENSHOTS, 'compare-dark.png'), fullPage: true });

    // Focusing the other run's layers.
    await page.page.locator('#focus-run').selectOption('run-b');
    assert.equal((await page.hook('heatmap'))?.columns, expectedCounts(b).mask);

    // A new snapshot replaces everything: back to one run.
    await page.post({ type: 'snapshot', runs: [{ runId: 'run-b', events: b.slice(0, 200) }] });
    assert.deepEqual(await page.hook('runIds'), ['run-b']);
    assert.equal(await page.page.locator('.run-card').count(), 1);
    assert.equal((await page.hook('charts')).loss.find((d) => d.series === 'trainRaw')?.points, expectedCounts(b.slice(0, 200)).train);
  });

  test('reads well in light, dark and high-contrast themes (screenshots)', async (t) => {
    const page = await open(t, { theme: 'light' });
    if (!page) return;
    await replay(page, events, runId, 200);
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await page.setTheme(theme);
      const read: Theme = await page.hook('theme');
      const expectedKind = theme === 'high-contrast' ? 'high-contrast' : theme;
      assert.equal(read.kind, expectedKind);
      assert.equal(read.background, theme === 'light' ? '#ffffff' : theme === 'dark' ? '#1f1f1f' : '#000000', 'colours re-read on theme change');
      // The rebuilt charts keep their data.
      assert.equal((await page.hook('charts')).loss.find((d) => d.series === 'trainRaw')?.points, expected.train);
      await page.page.screenshot({ path: join(SCREENSHOTS, `dashboard-${theme}.png`), fullPage: true });
    }
    // A heatmap close-up with its tooltip, in the last (high-contrast) theme.
    const heatmap = page.page.locator('section[data-chart="churn"]');
    await heatmap.scrollIntoViewIfNeeded();
    const box = (await page.page.locator('#chart-churn').boundingBox())!;
    await page.page.mouse.move(box.x + box.width * 0.3, box.y + 100);
    await heatmap.screenshot({ path: join(SCREENSHOTS, 'heatmap-tooltip-high-contrast.png') });
    t.diagnostic(`screenshots: ${SCREENSHOTS}`);
    assert.deepEqual(page.errors, []);
  });
});
