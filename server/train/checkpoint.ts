// Checkpoint files: a JSON header (step, data position, counters, tensor table) followed by the
// raw tensor bytes, written atomically; `latest.json` names the newest complete one.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../rundir/atomic.js';

export interface CheckpointMeta {
  /** Optimizer steps completed. */
  step: number;
  epoch: number;
  /** Batches of the current epoch already consumed, so a resumed run continues with the next one. */
  batchInEpoch: number;
  /** Data order, masks' tie-breaks and random growth are derived from (seed, step): no generator state to keep. */
  rng: { seed: number; scheme: 'stateless-per-step' };
  /** Run-level accumulators (best accuracy, FLOPs so far, ...). */
  counters: Record<string, number>;
}

interface TensorEntry { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; bytes: number }
interface Header extends CheckpointMeta { format: 'rigl-studio-checkpoint/1'; tensors: TensorEntry[] }

const KEEP_LAST = 2;

export async function saveCheckpoint(dir: string, meta: CheckpointMeta, tensors: ReadonlyMap<string, tf.Tensor>): Promise<string> {
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const values = await tensor.data();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, shape: tensor.shape, dtype, offset, bytes: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header: Header = { format: 'rigl-studio-checkpoint/1', ...meta, tensors: entries };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.byteLength);
  const file = `step-${String(meta.step).padStart(8, '0')}.ckpt`;
  writeFileAtomic(join(dir, file), [length, headerBytes, ...chunks]);
  writeFileAtomic(join(dir, 'latest.json'), JSON.stringify({ file, step: meta.step }) + '\n');
  pruneOld(dir, file);
  return join(dir, file);
}

function pruneOld(dir: string, newest: string): void {
  const files = readdirSync(dir).filter((f) => /^step-\d+\.ckpt$/.test(f) && f !== newest).sort();
  for (const file of files.slice(0, Math.max(0, files.length - (KEEP_LAST - 1)))) rmSync(join(dir, file), { force: true });
}

/**
 * The newest complete checkpoint: the one latest.json names if it is whole, else (a kill between
 * the checkpoint's rename and latest.json's, or a damaged pointer) the newest step-*.ckpt whose
 * header and tensor table fit its size. Undefined when none is usable: the run starts again at 0.
 */
export function latestCheckpoint(dir: string): { path: string; meta: CheckpointMeta } | undefined {
  const candidates: string[] = [];
  try {
    const { file } = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as { file?: unknown };
    if (typeof file === 'string' && /^step-\d+\.ckpt$/.test(file)) candidates.push(file);
  } catch {
    // no pointer, or a damaged one: the files themselves decide
  }
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /^step-\d+\.ckpt$/.test(f)).sort().reverse();
  } catch {
    return undefined;
  }
  // The pointer first only when it names the newest file: a newer complete one wins.
  if (candidates[0] !== files[0]) candidates.length = 0;
  for (const file of [...candidates, ...files]) {
    const meta = checkpointMeta(join(dir, file));
    if (meta) return { path: join(dir, file), meta };
  }
  return undefined;
}

/** A checkpoint's meta if the file is whole (header parses, every tensor within the file); else undefined. */
function checkpointMeta(path: string): CheckpointMeta | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const { size } = fstatSync(fd);
    const head = Buffer.alloc(4);
    if (size < 4 || readSync(fd, head, 0, 4, 0) !== 4) return undefined;
    const headerLength = head.readUInt32LE(0);
    if (4 + headerLength > size) return undefined;
    const headerBytes = Buffer.alloc(headerLength);
    readSync(fd, headerBytes, 0, headerLength, 4);
    const header = JSON.parse(headerBytes.toString('utf8')) as Header;
    if (header.format !== 'rigl-studio-checkpoint/1' || !Array.isArray(header.tensors)) return undefined;
    if (header.tensors.some((t) => 4 + headerLength + t.offset + t.bytes > size)) return undefined;
    const { format: _format, tensors: _table, ...meta } = header;
    return meta;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Read a checkpoint; tensors are created on the active backend and owned by the caller. */
export function loadCheckpoint(path: string): { meta: CheckpointMeta; tensors: Map<string, tf.Tensor> } {
  const buffer = readFileSync(path);
  if (buffer.byteLength < 4) throw new Error(`checkpoint ${path}: file is truncated`);
  const headerLength = buffer.readUInt32LE(0);
  let header: Header;
  try {
    header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString('utf8')) as Header;
  } catch {
    throw new Error(`checkpoint ${path}: unreadable header (not a RigL Studio checkpoint?)`);
  }
  if (header.format !== 'rigl-studio-checkpoint/1') throw new Error(`checkpoint ${path}: unknown format ${String(header.format)}`);
  const dataStart = 4 + headerLength;
  const tensors = new Map<string, tf.Tensor>();
  for (const entry of header.tensors) {
    const start = dataStart + entry.offset;
    if (start + entry.bytes > buffer.byteLength) throw new Error(`checkpoint ${path}: tensor ${entry.name} runs past the end of the file`);
    const copy = buffer.buffer.slice(buffer.byteOffset + start, buffer.byteOffset + start + entry.bytes);
    const values = entry.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    tensors.set(entry.name, tf.tensor(values, entry.shape, entry.dtype));
  }
  const { format: _format, tensors: _table, ...meta } = header;
  return { meta, tensors };
}
