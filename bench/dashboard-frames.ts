// Frame time of the dashboard webview with 100,000 points per series, in headless Chromium: the
// snapshot's first draw, then a live stream of one 10-step batch per display frame. Prints figures.
import { existsSync } from 'node:fs';
import type { RunEvent } from '../server/protocol.js';
import { LARGE_POINTS, largeStream } from '../test/webview/fixtures.js';
import { bundleMissing, CHROMIUM, DashboardPage, launchBrowser, startServer } from '../test/webview/harness.js';

const FRAMES = 300;
const STEPS_PER_FRAME = 10;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function summary(values: number[]): string {
  return `median ${percentile(values, 0.5).toFixed(1)} ms, p95 ${percentile(values, 0.95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const missing = bundleMissing() ?? (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: run scripts/install-test-deps.sh`);
  if (missing) throw new Error(missing);
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await DashboardPage.open(browser, server, { theme: 'dark', width: 1280, height: 900 });
    const { runId, snapshot, live } = largeStream(FRAMES * STEPS_PER_FRAME);
    const started = Date.now();
    await page.postJson(JSON.stringify({ type: 'snapshot', runs: [{ runId, events: snapshot }] }));
    const snapshotWall = Date.now() - started;
    const snapshotFrame = (await page.hook('timings')).frameMs.at(-1) ?? NaN;

    // One batch per frame, posted from inside the page so the stream runs at display rate.
    const batches: RunEvent[][] = [];
    for (let frame = 0; frame < FRAMES; frame++) {
      const from = frame * STEPS_PER_FRAME;
      const to = from + STEPS_PER_FRAME;
      batches.push(live.filter((event) => event.step > LARGE_POINTS + from && event.step <= LARGE_POINTS + to));
    }
    const before = (await page.hook('timings')).frames;
    const intervals = await page.page.evaluate(async ({ batches, runId }) => {
      const stamps: number[] = [];
      await new Promise<void>((resolve) => {
        let index = 0;
        const tick = (now: number) => {
          stamps.push(now);
          if (index < batches.length) {
            window.postMessage({ type: 'events', runId, events: batches[index++] }, '*');
            requestAnimationFrame(tick);
          } else resolve();
        };
        requestAnimationFrame(tick);
      });
      await window.__riglDashboard!.whenIdle();
      return stamps.slice(1).map((stamp, i) => stamp - stamps[i]);
    }, { batches, runId });
    const timings = await page.hook('timings');
    const streamed = timings.frameMs.slice(-(timings.frames - before));
    const drawn = (await page.hook('charts')).loss.find((d) => d.series === 'trainRaw');

    console.log(`dashboard frames, ${LARGE_POINTS.toLocaleString('en-US')} points per series (headless Chromium, --disable-gpu, ${process.arch})`);
    console.log(`  snapshot: ${snapshot.length.toLocaleString('en-US')} events, first draw ${snapshotFrame.toFixed(0)} ms in the page, ${snapshotWall} ms including transfer`);
    console.log(`  live: ${FRAMES} batches of ${STEPS_PER_FRAME} steps, one per display frame, coalesced into ${streamed.length} redraws`);
    console.log(`  dashboard work per redraw (apply events, decimate, draw): ${summary(streamed)}`);
    console.log(`  display frame interval while streaming: ${summary(intervals)} (${(1000 / percentile(intervals, 0.5)).toFixed(0)} fps median)`);
    console.log(`  loss chart: ${drawn?.points.toLocaleString('en-US')} points given, ${drawn?.drawn.toLocaleString('en-US')} drawn after LTTB decimation`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
