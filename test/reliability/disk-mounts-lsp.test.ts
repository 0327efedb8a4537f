// The language server on real mounts: its runs folder on a read-only tmpfs refuses rigl/startRun
// naming the read-only file system; on a tiny tmpfs a run ends failed saying the disk is full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { ListRunsRequest, RunStatusNotification, StartRunRequest, FINAL_STATES } from '../../server/protocol.js';
import { TestServer } from '../lsp/lsp-client.js';
import { mountNamespace, mountNamespaceWrapper } from './tmpfs-sandbox.js';

const CONFIG = `name: disk
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 64 }
training: { epochs: 1, batch_size: 8, log_every: 1 }
backend: cpu
`;

/** A server whose runs folder is `<mount>/runs` on a tmpfs set up by `setup`; always shut down and cleaned up. */
async function withServerOnMount(setup: string, body: (server: TestServer, runsDirectory: string) => Promise<void>, skip: (why: string) => void): Promise<void> {
  const namespace = mountNamespace();
  if ('skip' in namespace) return skip(namespace.skip);
  const mountPoint = mkdtempSync(join(tmpdir(), 'rigl-mount-lsp-'));
  const runsDirectory = join(mountPoint, 'runs');
  const server = await TestServer.start({ wrapper: mountNamespaceWrapper(namespace, setup, mountPoint), initializationOptions: { runsDirectory } });
  try {
    await body(server, runsDirectory);
  } finally {
    // The mount lives in the server's namespace and goes with it.
    await server.stop();
    server.removeWorkspace();
    rmSync(mountPoint, { recursive: true, force: true });
  }
}

test('rigl/startRun with the runs folder on a read-only file system is refused naming it, not with ENOENT from mkdir', async (t) => {
  // The runs folder does not exist yet (the first run would make it): Node's mkdir says ENOENT there.
  const setup = 'mount -t tmpfs -o size=1m tmpfs "$1"; mount -o remount,bind,ro "$1"';
  await withServerOnMount(setup, async (server, runsDirectory) => {
    await assert.rejects(server.connection.sendRequest(StartRunRequest.type, { uri: `file://${join(server.workspace, 'disk.rigl.yaml')}`, text: CONFIG }), (error: Error) => {
      assert.match(error.message, new RegExp(`cannot create a run in ${runsDirectory}: ${dirname(runsDirectory)} is on a read-only file system`));
      assert.doesNotMatch(error.message, /ENOENT|EROFS|mkdir '/);
      return true;
    });
    assert.deepEqual((await server.connection.sendRequest(ListRunsRequest.type, {})).runs, []);
  }, (why) => t.skip(why));
});

test('a run whose disk fills up (a 192 KiB tmpfs) ends failed saying the disk is full, and lists so', async (t) => {
  await withServerOnMount('mount -t tmpfs -o size=192k tmpfs "$1"', async (server) => {
    const { runId } = await server.connection.sendRequest(StartRunRequest.type, { uri: `file://${join(server.workspace, 'disk.rigl.yaml')}`, text: CONFIG });
    const final = await server.waitFor(RunStatusNotification.type, (n) => n.runId === runId && FINAL_STATES.includes(n.event.state), `${runId} to end`);
    assert.equal(final.event.state, 'failed', final.event.message);
    assert.match(final.event.message ?? '', /the disk holding the run folder is full/);
    assert.doesNotMatch(final.event.message ?? '', /ENOSPC:|\n\s+at \S+ \(/);
    const listed = (await server.connection.sendRequest(ListRunsRequest.type, {})).runs;
    assert.deepEqual(listed.map((r) => [r.runId, r.state]), [[runId, 'failed']]);
  }, (why) => t.skip(why));
});
