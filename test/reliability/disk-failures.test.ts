// A full disk and an unusable runs folder: the run ends `failed` with the reason in words (and the
// listing says so), or is refused before it exists; never an uncaught ENOSPC or a misleading ENOENT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import { listRuns, RunDirectory, RunFolderError } from '../../server/rundir/store.js';
import { train } from '../../server/train/trainer.js';
import type { RunEvent } from '../../server/protocol.js';

const config = resolveConfigText(`name: full
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 32 }
training: { epochs: 1, batch_size: 8 }
backend: cpu
`, 'full.rigl.yaml');

test('a full disk (events.jsonl on /dev/full) ends the run failed, saying the disk is full, and it lists as failed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-full-'));
  try {
    const run = await createRun(root, config);
    symlinkSync('/dev/full', run.path('events')); // every write there fails with ENOSPC
    const heard: RunEvent[] = [];
    const summary = await train({ run, onEvent: (event) => heard.push(event) });
    assert.equal(summary.state, 'failed');
    assert.match(summary.message ?? '', /the disk holding the run folder is full/);
    assert.doesNotMatch(summary.message ?? '', /ENOSPC:|at \w+ \(/, 'no raw errno text or stack');
    const last = heard.at(-1);
    assert.ok(last?.type === 'status' && last.state === 'failed', 'the listener hears the failure');
    // The small summary still fits: the listing is truthful.
    assert.deepEqual(listRuns(root).map((r) => r.state), ['failed']);
    assert.equal(new RunDirectory(run.dir).readSummary()?.message, summary.message);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a runs folder that cannot be created names the folder and why, not ENOENT from mkdir', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-unusable-'));
  try {
    const file = join(root, 'not-a-folder');
    writeFileSync(file, '');
    await assert.rejects(createRun(join(file, 'runs'), config), (error: Error) => {
      assert.ok(error instanceof RunFolderError, String(error));
      assert.match(error.message, /^cannot create a run in .*not-a-folder\/runs: /);
      assert.doesNotMatch(error.message, /ENOENT|ENOTDIR: /);
      return true;
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
