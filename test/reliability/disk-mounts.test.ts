// Disk boundaries on real mounts (a tmpfs, read-only or a few KiB from full): the CLI says what is
// wrong in words, the run lists truthfully, nothing is corrupt, and it trains again once it can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import { listRuns, RunDirectory } from '../../server/rundir/store.js';
import { RunSchemas } from '../../server/rundir/schemas.js';
import type { RunListItem } from '../../server/protocol.js';
import { mountNamespace, runInMountNamespace } from './tmpfs-sandbox.js';

const root = join(__dirname, '..', '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
const CONFIG = `name: disk
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 64 }
training: { epochs: 1, batch_size: 8, log_every: 1 }
backend: cpu
`;
const SCRIPT_LIMIT_MS = 5 * 60_000;

/** A sandbox with the config, a run made from it (as a sweep makes its runs), and an output folder the script fills. */
async function sandbox(): Promise<{ dir: string; configFile: string; run: RunDirectory; mountPoint: string; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-mounts-'));
  const configFile = join(dir, 'disk.rigl.yaml');
  writeFileSync(configFile, CONFIG);
  const run = await createRun(join(dir, 'made'), resolveConfigText(CONFIG, configFile));
  const mountPoint = join(dir, 'mnt');
  const out = join(dir, 'out');
  mkdirSync(mountPoint);
  mkdirSync(out);
  return { dir, configFile, run, mountPoint, out };
}

const read = (out: string, name: string) => (existsSync(join(out, name)) ? readFileSync(join(out, name), 'utf8') : '');
const exitCode = (out: string, name: string) => Number(read(out, `${name}.rc`).trim());
const listed = (out: string, name: string) => JSON.parse(read(out, name) || '[]') as RunListItem[];

/** No raw errno text (ENOENT: …, mkdir '…') and no stack trace. */
function assertPlainWords(text: string, where: string): void {
  assert.doesNotMatch(text, /\b(ENOENT|EROFS|ENOSPC|EACCES)\b|mkdir '|\n\s+at \S+ \(/, `${where}: ${text}`);
}

/** Both scenarios' shell preamble: a fresh 16 MiB tmpfs at $M holding a copy of the prepared run as $RUN (exit 90/91 if not). */
const MOUNTED_RUN = `
M=$1 OUT=$2 NODE=$3 CLI=$4 CFG=$5 MADE=$6
mount -t tmpfs -o size=16m tmpfs "$M" || exit 90
mkdir "$M/runs" && cp -a "$MADE" "$M/runs/" || exit 91
RUN="$M/runs/$(basename "$MADE")"
`;

test('a read-only runs folder: train names the read-only file system (not ENOENT from mkdir) and makes nothing; a run on it fails to start in the same words and trains once writable', async (t) => {
  const namespace = mountNamespace();
  if ('skip' in namespace) return t.skip(namespace.skip);
  const { dir, configFile, run, mountPoint, out } = await sandbox();
  try {
    const script = `${MOUNTED_RUN}# A bind remount changes the mount point alone: allowed in a user namespace, unlike the superblock.
mount -o remount,bind,ro "$M" || exit 92
"$NODE" "$CLI" train "$CFG" --out "$M/runs" >"$OUT/train.out" 2>"$OUT/train.err"; echo $? >"$OUT/train.rc"
"$NODE" "$CLI" train "$CFG" --out "$M/runs/deeper/still" >"$OUT/deeper.out" 2>"$OUT/deeper.err"; echo $? >"$OUT/deeper.rc"
"$NODE" "$CLI" train --run "$RUN" >"$OUT/run.out" 2>"$OUT/run.err"; echo $? >"$OUT/run.rc"
"$NODE" "$CLI" runs --json "$M/runs" >"$OUT/list-ro.json"
mount -o remount,bind,rw "$M" || exit 93
"$NODE" "$CLI" train --run "$RUN" >"$OUT/again.out" 2>"$OUT/again.err"; echo $? >"$OUT/again.rc"
"$NODE" "$CLI" runs --json "$M/runs" >"$OUT/list-rw.json"
`;
    const result = runInMountNamespace(namespace, script, mountPoint, [out, process.execPath, cliPath, configFile, run.dir], SCRIPT_LIMIT_MS);
    assert.equal(result.status, 0, `script: ${result.stderr}`);

    for (const name of ['train', 'deeper']) {
      assert.equal(exitCode(out, name), 1, `${name}: ${read(out, `${name}.err`)}`);
      const said = read(out, `${name}.err`);
      assert.match(said, /cannot create a run in .*: .*\/runs is on a read-only file system/, name);
      assertPlainWords(said, name);
    }
    assert.deepEqual(listed(out, 'list-ro.json').map((r) => r.runId), [run.runId], 'no new run folder appeared');

    assert.equal(exitCode(out, 'run'), 1);
    const failed = read(out, 'run.out') + read(out, 'run.err');
    assert.match(failed, /failed: the run folder is on a read-only file system \(writing \S*events\.jsonl\)/);
    assertPlainWords(failed, 'train --run');
    // Nothing could be written, so nothing says it ran: it is still a run made and never started.
    assert.equal(listed(out, 'list-ro.json')[0].state, 'queued');

    assert.equal(exitCode(out, 'again'), 0, read(out, 'again.err'));
    assert.equal(listed(out, 'list-rw.json')[0].state, 'completed');
    assert.equal(listed(out, 'list-rw.json')[0].step, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk (8 KiB left): train ends the run failed saying the disk is full, nothing is corrupt, a new run is refused whole, and it resumes to completion once space is back', async (t) => {
  const namespace = mountNamespace();
  if ('skip' in namespace) return t.skip(namespace.skip);
  const { dir, configFile, run, mountPoint, out } = await sandbox();
  try {
    const script = `${MOUNTED_RUN}avail=$(df -k --output=avail "$M" | tail -1)
head -c $(( (avail - 8) * 1024 )) /dev/zero >"$M/filler" || exit 92
df -k --output=avail "$M" | tail -1 >"$OUT/left-kib"
"$NODE" "$CLI" train --run "$RUN" >"$OUT/full.out" 2>"$OUT/full.err"; echo $? >"$OUT/full.rc"
"$NODE" "$CLI" runs --json "$M/runs" >"$OUT/list-full.json"
"$NODE" "$CLI" train "$CFG" --out "$M/runs" >"$OUT/new.out" 2>"$OUT/new.err"; echo $? >"$OUT/new.rc"
ls -A "$M/runs" >"$OUT/runs-after-new"
mkdir -p "$OUT/full/runs" && cp -a "$RUN" "$OUT/full/runs/"
rm "$M/filler"
"$NODE" "$CLI" resume "$RUN" >"$OUT/resume.out" 2>"$OUT/resume.err"; echo $? >"$OUT/resume.rc"
"$NODE" "$CLI" runs --json "$M/runs" >"$OUT/list-resumed.json"
mkdir -p "$OUT/resumed/runs" && cp -a "$RUN" "$OUT/resumed/runs/"
`;
    const result = runInMountNamespace(namespace, script, mountPoint, [out, process.execPath, cliPath, configFile, run.dir], SCRIPT_LIMIT_MS);
    assert.equal(result.status, 0, `script: ${result.stderr}`);
    assert.ok(Number(read(out, 'left-kib')) <= 8, `${read(out, 'left-kib')} KiB left`);

    assert.equal(exitCode(out, 'full'), 1, read(out, 'full.err'));
    const said = read(out, 'full.out') + read(out, 'full.err');
    assert.match(said, /failed: the disk holding the run folder is full( \(writing [^)]*\))?; free some space and resume the run/);
    assertPlainWords(said, 'train --run on a full disk');
    assert.equal(listed(out, 'list-full.json')[0].state, 'failed', 'the failure itself is recorded');

    // Nothing corrupt: the summary and every whole event line match their schemas, no temporaries.
    const fullDir = join(out, 'full', 'runs', basename(run.dir));
    const copy = new RunDirectory(fullDir);
    assert.equal(copy.readSummary()?.state, 'failed');
    assert.match(copy.readSummary()?.message ?? '', /disk holding the run folder is full/);
    const problems = new RunSchemas().checkRunDirectory(fullDir);
    assert.deepEqual(problems.filter((p) => !/^events\.jsonl:\d+: not JSON$/.test(p)), []);
    assert.ok(problems.length <= 1, `at most one torn event line (a write the disk cut short): ${problems.join('; ')}`);
    const last = copy.readEvents().at(-1);
    assert.ok(last?.type === 'status' && last.state === 'failed', 'the failed status is the last event');
    for (const folder of [fullDir, join(fullDir, 'checkpoints')]) assert.deepEqual(readdirSync(folder).filter((f) => f.includes('.tmp-')), [], folder);

    // A new run on the full disk is refused before it exists, in words.
    assert.equal(exitCode(out, 'new'), 1);
    assert.match(read(out, 'new.err'), /cannot create a run in .*: the disk holding the run folder is full/);
    assertPlainWords(read(out, 'new.err'), 'train on a full disk');
    assert.deepEqual(read(out, 'runs-after-new').trim().split('\n'), [basename(run.dir)], 'no half-made run');

    assert.equal(exitCode(out, 'resume'), 0, read(out, 'resume.err'));
    const resumed = listed(out, 'list-resumed.json')[0];
    assert.equal(resumed.state, 'completed');
    assert.equal(resumed.step, 8);
    const resumedRuns = listRuns(join(out, 'resumed', 'runs'));
    assert.equal(resumedRuns[0].state, 'completed');
    const steps = new RunDirectory(resumedRuns[0].dir).readEvents().filter((e) => e.type === 'train').map((e) => e.step);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8], 'the latest attempt\'s steps, once each');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
