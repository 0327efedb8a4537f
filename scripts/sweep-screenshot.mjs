// Screenshot of a sweep's results in the sweep view (for the README): reads the sweep with
// `results --json`, serves dist/webview/sweep.js on 127.0.0.1 and saves a PNG from headless Chromium.
// Usage: node scripts/sweep-screenshot.mjs <sweepDir> <out.png>   (after `node esbuild.mjs`)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';

const [sweepDir, output] = process.argv.slice(2);
if (!sweepDir || !output) {
  console.error('usage: node scripts/sweep-screenshot.mjs <sweepDir> <out.png>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const results = JSON.parse(execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'results', sweepDir, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
const files = { '/sweep.js': 'text/javascript', '/sweep.css': 'text/css' };
const server = createServer((request, response) => {
  if (request.url === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!DOCTYPE html><html><head><meta charset="UTF-8"><link rel="stylesheet" href="/sweep.css"></head><body class="vscode-dark"><main id="app"></main><script src="/sweep.js"></script></body></html>');
  } else if (files[request.url]) {
    response.writeHead(200, { 'content-type': files[request.url] });
    response.end(readFileSync(join(root, 'dist', 'webview', request.url.slice(1))));
  } else response.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.__riglSweep !== undefined);
  await page.evaluate((message) => window.postMessage(message, '*'), { type: 'results', results: { ...results, sweepId: basename(sweepDir) } });
  await page.waitForFunction(() => window.__riglSweep.plot().length > 0);
  await page.locator('.sweep-plot').screenshot({ path: output });
  console.log(output);
} finally {
  await browser.close();
  server.close();
}
