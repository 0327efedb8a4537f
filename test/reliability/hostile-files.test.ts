// User-named files that are not what they claim: /dev/zero, a FIFO, a folder, an oversized file,
// a gzip bomb. Each is refused by the one bounded reader with a message naming the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readBoundedFile, FileReadError } from '../../server/files/bounded-read.js';
import { ConfigError, loadConfigFile, MAX_CONFIG_FILE_BYTES } from '../../server/config/load.js';
import { MAX_IDX_BYTES, readIdxFile, ubyteMagic } from '../../server/data/idx.js';

const folder = mkdtempSync(join(tmpdir(), 'rigl-hostile-files-'));
const fifo = join(folder, 'pipe.rigl.yaml');
spawnSync('mkfifo', [fifo]);
test.after(() => rmSync(folder, { recursive: true, force: true }));

const refusal = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof Error, String(error));
  assert.match(error.message, pattern);
  assert.doesNotMatch(error.message, /ENOENT|EISDIR|at \w+ \(/, 'no raw Node error or stack');
  return true;
};

test('/dev/zero, a FIFO and a folder are refused before any read, by type', () => {
  assert.throws(() => readBoundedFile('/dev/zero', { maxBytes: 1024 }), refusal(/\/dev\/zero: is a character device, not a regular file/));
  assert.throws(() => readBoundedFile(fifo, { maxBytes: 1024 }), refusal(/is a FIFO \(named pipe\), not a regular file/));
  assert.throws(() => readBoundedFile(folder, { maxBytes: 1024 }), refusal(/is a folder, not a regular file/));
  assert.throws(() => readBoundedFile(join(folder, 'none'), { maxBytes: 1024 }), (error) => error instanceof FileReadError && /does not exist/.test(error.message));
});

test('a config path naming /dev/zero, a FIFO or a file over the size limit is a ConfigError', () => {
  const big = join(folder, 'big.rigl.yaml');
  writeFileSync(big, '');
  truncateSync(big, MAX_CONFIG_FILE_BYTES + 1); // sparse: no disk is used
  for (const [file, why] of [['/dev/zero', /character device/], [fifo, /FIFO/], [big, /is 4 MiB \(4194305 bytes\), more than the 4 MiB allowed/]] as const) {
    assert.throws(() => loadConfigFile(file), (error) => error instanceof ConfigError && refusal(why)(error));
  }
});

test('a gzip bomb as an IDX file stops at the decompressed-size cap with a DatasetError', async () => {
  // Concatenated gzip members decompress as one stream: 300 × 1 MiB of zeros from a few hundred kB.
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  const bomb = join(folder, 'train-images-idx3-ubyte.gz');
  writeFileSync(bomb, Buffer.concat(Array.from({ length: Math.ceil(MAX_IDX_BYTES / (1024 * 1024)) + 44 }, () => member)));
  await assert.rejects(readIdxFile(bomb, ubyteMagic(3), 'fashion-mnist'), (error: Error) => {
    assert.equal(error.name, 'DatasetError');
    assert.match(error.message, /decompresses to more than the 256 MiB allowed/);
    return true;
  });
  await assert.rejects(readIdxFile(fifo, ubyteMagic(3), 'fashion-mnist'), /fashion-mnist: .*pipe\.rigl\.yaml is a FIFO/);
  await assert.rejects(readIdxFile('/dev/zero', ubyteMagic(3), 'fashion-mnist'), /character device/);
});
