// End to end in a real VS Code (code-server in headless Chromium) with the packaged .vsix: config
// diagnostics, Start Run refused untrusted then a live dashboard, Stop, reload, log, Resume, Delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createProfile, installExtension, missingPrerequisite, repoRoot, startCodeServer, vsixPath, type RunningCodeServer } from './code-server.js';
import { dashboardFrame, openFile, pickInQuickInput, readDashboard, runCommand, Screenshots, UI_TIMEOUT, waitUntil } from './workbench.js';

const CHROMIUM = '/usr/bin/chromium';

const BROKEN_CONFIG = `name: broken
model: lenet-300-100
dataset:
  name: mnist
sparsity:
  method: rigl
  sparsity: 1.5
training:
  epocs: 3
`;

// About 8 steps a second on the cpu backend here: long enough that Stop Run, not the last step, ends it.
const TINY_CONFIG = `name: tiny
model: lenet-300-100
dataset:
  name: synthetic
  synthetic_size: 512
sparsity:
  method: rigl
  sparsity: 0.9
  distribution: erk
  update: { delta_t: 4, alpha: 0.3, t_end: 0.75, schedule: cosine }
training:
  epochs: 100
  batch_size: 32
  log_every: 1
backend: cpu
`;

// A quiet, predictable workbench: no welcome page, tips, chat or update prompts. Workspace trust
// stays on: the test first declines the prompt, sees Start Run refused, then trusts the folder.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.startupPrompt': 'always',
  'window.commandCenter': false,
};

test('the packaged extension in VS Code: diagnostics, workspace trust, Start Run with a live dashboard, Stop Run, reload, resume, delete', { timeout: 10 * 60_000 }, async (t) => {
  const missing = missingPrerequisite();
  if (missing) {
    if (process.env.CI === 'true') throw new Error(missing);
    t.skip(missing);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'rigl-e2e-'));
  const workspace = join(root, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'broken.rigl.yaml'), BROKEN_CONFIG);
  writeFileSync(join(workspace, 'tiny.rigl.yaml'), TINY_CONFIG);
  const profile = createProfile(root, USER_SETTINGS);
  const shots = new Screenshots(repoRoot);
  shots.clear();
  console.log(`e2e screenshots: ${shots.dir}`);

  const installed = installExtension(profile, vsixPath());
  assert.match(installed, /rigl-studio.*was successfully installed/i);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  try {
    server = await startCodeServer(profile);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });

    // Workspace trust: VS Code asks; first the folder stays in Restricted Mode.
    await page.getByRole('button', { name: /No, I don't trust the authors/ }).click({ timeout: UI_TIMEOUT });

    // 1. A broken config: its problems appear in the Problems panel (editor features work untrusted).
    await openFile(page, 'broken.rigl.yaml');
    await runCommand(page, 'Problems: Focus on Problems View');
    const problems = page.locator('.markers-panel');
    await problems.getByText('Unknown key `epocs` in training. Did you mean `epochs`?').waitFor({ timeout: UI_TIMEOUT });
    await problems.getByText(/`sparsity.sparsity` = 1.5 is outside \[0, 1\)/).waitFor({ timeout: UI_TIMEOUT });
    await shots.take(page, 'problems-of-broken-config');

    // 2. Starting a run in Restricted Mode is refused with an explanation.
    await openFile(page, 'tiny.rigl.yaml');
    await runCommand(page, 'RigL: Start Run');
    const refusal = page.locator('.notification-toast', { hasText: 'cannot start a training run in Restricted Mode' });
    await refusal.waitFor({ timeout: UI_TIMEOUT });
    await shots.take(page, 'start-refused-in-restricted-mode');
    // Its button leads to the trust editor, where the person trusts the folder.
    await refusal.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await page.getByRole('button', { name: /^Trust( Folder)?$/ }).first().click({ timeout: UI_TIMEOUT });
    await page.locator('.workspace-trust-editor .workspace-trust-header', { hasText: /trusted/i }).first().waitFor({ timeout: UI_TIMEOUT }).catch(() => undefined);
    await shots.take(page, 'folder-trusted');
    await openFile(page, 'tiny.rigl.yaml');

    // 3. The tiny config, started from the command palette: the dashboard opens and fills.
    await runCommand(page, 'RigL: Start Run');
    const frame = await dashboardFrame(page);
    const filled = await waitUntil(page, 'the dashboard to draw training and evaluation points', async () => {
      const drawn = await readDashboard(frame);
      const loss = drawn.series.loss ?? {};
      const trained = (loss.trainRaw ?? 0) >= 20 && (loss.eval ?? 0) >= 1 && (drawn.series.accuracy?.evalTop1 ?? 0) >= 1;
      return drawn.runIds.length === 1 && trained && /running/.test(drawn.cards[0] ?? '') ? drawn : undefined;
    }, 3 * 60_000);
    assert.match(filled.runIds[0]!, /^tiny-/);
    assert.equal(filled.heading, 'RigL run');
    assert.match(filled.cards[0]!, /tiny/);
    assert.match(filled.cards[0]!, /lenet-300-100 · synthetic · rigl erk · 90% sparse/);
    assert.ok(filled.canvases >= 4, `chart canvases: ${filled.canvases}`);
    // The status bar follows the live run.
    await page.locator('.statusbar-item', { hasText: /RigL \d+\/1600/ }).first().waitFor({ timeout: UI_TIMEOUT });
    await shots.take(page, 'dashboard-live');

    // 4. Stop Run: the quick pick offers the live run; the runs view then shows it stopped.
    await runCommand(page, 'RigL: Stop Run');
    await shots.take(page, 'stop-run-pick');
    await pickInQuickInput(page, 'tiny');
    await waitUntil(page, 'the dashboard to show the run stopped', async () => (/stopped/.test((await readDashboard(frame)).cards[0] ?? '') ? true : undefined));
    await page.locator('.activitybar .action-item a[aria-label^="RigL Studio"]').click({ timeout: UI_TIMEOUT });
    const runsView = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'RigL Runs' }) });
    const stoppedRow = runsView.locator('.monaco-list-row[aria-label*="tiny, stopped"]');
    await stoppedRow.waitFor({ timeout: UI_TIMEOUT });
    assert.match((await stoppedRow.textContent()) ?? '', /stopped · best \d+\.\d% · step \d+\/1600/);
    await shots.take(page, 'runs-view-stopped');

    // 5. Reloading the window restores the dashboard (the panel serializer) with the run's history.
    const reloaded = page.waitForEvent('load', { timeout: UI_TIMEOUT });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
    const revived = await dashboardFrame(page);
    const restored = await waitUntil(page, 'the restored dashboard to draw the run', async () => {
      const drawn = await readDashboard(revived);
      return drawn.runIds[0] === filled.runIds[0] && (drawn.drawn.loss ?? 0) > 0 && /stopped/.test(drawn.cards[0] ?? '') ? drawn : undefined;
    });
    assert.ok(restored.canvases >= 4);
    await shots.take(page, 'dashboard-restored-after-reload');

    // 6. Show Trainer Log opens the run's trainer.log.
    await runCommand(page, 'RigL: Show Trainer Log');
    await pickInQuickInput(page, 'tiny');
    await page.locator('.tabs-container .tab.active[aria-label*="trainer.log"]').waitFor({ timeout: UI_TIMEOUT });

    // 7. Resume Run continues the stopped run; the runs view's inline Stop button stops it again.
    await runCommand(page, 'RigL: Resume Run');
    await pickInQuickInput(page, 'tiny');
    const runsPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'RigL Runs' }) });
    const runningRow = runsPane.locator('.monaco-list-row[aria-label*="tiny, running"]');
    await runningRow.waitFor({ timeout: UI_TIMEOUT });
    await runningRow.hover();
    await runningRow.locator('.action-label[aria-label="Stop Run"]').click({ timeout: UI_TIMEOUT });
    await runsPane.locator('.monaco-list-row[aria-label*="tiny, stopped"]').waitFor({ timeout: UI_TIMEOUT });
    await shots.take(page, 'resumed-then-stopped-from-runs-view');

    // 8. Delete Run from the row's context menu, confirmed in the modal dialog: the view is empty again.
    await runsPane.locator('.monaco-list-row[aria-label*="tiny, stopped"]').click({ button: 'right' });
    // VS Code's context menu ignores a click that comes too soon after it opened: point, then Enter.
    await page.locator('.monaco-menu .action-item', { hasText: 'Delete Run' }).hover({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-dialog-box', { hasText: 'Delete the run' }).getByRole('button', { name: 'Delete' }).click({ timeout: UI_TIMEOUT });
    await runsPane.getByText('No runs yet.').waitFor({ timeout: UI_TIMEOUT });
    await shots.take(page, 'run-deleted');
  } catch (error) {
    if (page) console.log(`e2e failure screenshot: ${await shots.take(page, 'failure').catch(() => 'none')}`);
    if (server) console.log(`code-server output:\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
