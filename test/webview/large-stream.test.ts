// 100,000 points per series: the snapshot and live batches on top finish drawing, decimated. Timing
// is for bench/dashboard-frames.ts; this test asserts only completion and decimation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { expectedCounts, LARGE_POINTS, largeStream } from './fixtures.js';
import { bundleMissing, chromiumUnavailable, DashboardPage, launchBrowser, startServer, type TestServer } from './harness.js';

let browser: Browser | undefined;
let server: TestServer | undefined;
before(async () => {
  const missing = bundleMissing();
  if (missing) throw new Error(missing);
  server = await startServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('draws 100,000 points per series decimated, and keeps up with live batches', async (t) => {
  if (chromiumUnavailable(t)) return;
  browser = await launchBrowser();
  const page = await DashboardPage.open(browser, server!, { theme: 'dark' });
  const { runId, snapshot, live } = largeStream();
  await page.postJson(JSON.stringify({ type: 'snapshot', runs: [{ runId, events: snapshot }] }));

  const checkDecimated = async (trainPoints: number) => {
    const charts = await page.hook('charts');
    for (const [chart, series] of [['loss', 'trainRaw'], ['loss', 'trainSmoothed'], ['accuracy', 'trainSmoothed'], ['lr', 'lr'], ['flops', 'sparse'], ['throughput', 'smoothed']]) {
      const dataset = charts[chart].find((d) => d.series === series);
      assert.ok(dataset, `${chart}/${series}`);
      assert.equal(dataset.points, trainPoints, `${chart}/${series}: every point given to the chart`);
      assert.ok(dataset.drawn > 0 && dataset.drawn < dataset.points / 10, `${chart}/${series}: ${dataset.drawn} drawn of ${dataset.points}`);
    }
  };
  await checkDecimated(LARGE_POINTS);
  const heatmap = await page.hook('heatmap');
  assert.ok(heatmap);
  assert.equal(heatmap.columns, expectedCounts(snapshot).mask);
  assert.ok(heatmap.paintedColumns <= heatmap.columns);

  // Live batches of 100 events on top, posted back to back as a fast run would.
  const messages = [];
  for (let i = 0; i < live.length; i += 100) messages.push({ type: 'events' as const, runId, events: live.slice(i, i + 100) });
  await page.postAll(messages);
  await checkDecimated(expectedCounts([...snapshot, ...live]).train);
  assert.deepEqual(page.errors, []);
});
