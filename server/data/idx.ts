// The IDX file format of MNIST and Fashion-MNIST: a big-endian magic (0, 0, type, rank), one
// uint32 per dimension, then the values row-major. Gzip-compressed files are accepted as well.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { errorMessage } from '../errors.js';
import { assertRegularFile, FileReadError, gunzipBounded } from '../files/bounded-read.js';
import { DatasetError, readFileOrExplain } from './errors.js';

/**
 * The largest IDX file read, compressed or after gunzip: MNIST's largest is 47 MB, so this leaves
 * room for larger MNIST-shaped sets while a gzip bomb stops here instead of at gigabytes.
 */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dims: number[];
  data: IdxData;
}

interface IdxType { name: string; bytes: number; read(view: DataView, count: number): IdxData }

function bigEndianReader<T extends IdxData>(make: (n: number) => T, get: (view: DataView, offset: number) => number, bytes: number) {
  return (view: DataView, count: number): IdxData => {
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = get(view, i * bytes);
    return out;
  };
}

const IDX_TYPES: Record<number, IdxType> = {
  0x08: { name: 'unsigned byte', bytes: 1, read: (view, n) => new Uint8Array(view.buffer, view.byteOffset, n) },
  0x09: { name: 'signed byte', bytes: 1, read: (view, n) => new Int8Array(view.buffer, view.byteOffset, n) },
  0x0b: { name: 'short', bytes: 2, read: bigEndianReader((n) => new Int16Array(n), (v, o) => v.getInt16(o), 2) },
  0x0c: { name: 'int', bytes: 4, read: bigEndianReader((n) => new Int32Array(n), (v, o) => v.getInt32(o), 4) },
  0x0d: { name: 'float', bytes: 4, read: bigEndianReader((n) => new Float32Array(n), (v, o) => v.getFloat32(o), 4) },
  0x0e: { name: 'double', bytes: 8, read: bigEndianReader((n) => new Float64Array(n), (v, o) => v.getFloat64(o), 8) },
};

/** The magic number of an IDX file of unsigned bytes with this many dimensions: 0x00000801 labels, 0x00000803 images. */
export function ubyteMagic(rank: number): number {
  return 0x0800 | rank;
}

function hex(magic: number): string {
  return '0x' + (magic >>> 0).toString(16).padStart(8, '0');
}

/** Parses an uncompressed IDX file; expectedMagic, when given, must match exactly. */
export function parseIdx(bytes: Uint8Array, source: string, expectedMagic?: number): IdxArray {
  const where = `IDX file ${source}`;
  if (bytes.length < 4) throw new DatasetError(`${where}: only ${bytes.length} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DatasetError(`${where}: bad magic ${hex(magic)}, expected ${hex(expectedMagic)}`);
  }
  const typeCode = bytes[2]!;
  const rank = bytes[3]!;
  const type = IDX_TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || rank === 0) {
    throw new DatasetError(`${where}: bad magic ${hex(magic)}, expected 0x0000TTRR (an IDX type code and rank)`);
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new DatasetError(`${where}: truncated header (${bytes.length} bytes, rank ${rank} needs ${headerLength})`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const dataLength = bytes.length - headerLength;
  if (dataLength !== count * type.bytes) {
    throw new DatasetError(`${where}: header says ${dims.join('×')} ${type.name} values (${count * type.bytes} bytes) but the file holds ${dataLength} bytes after the header`);
  }
  return { dims, data: type.read(new DataView(bytes.buffer, bytes.byteOffset + headerLength, dataLength), count) };
}

/** True when the bytes start with the gzip signature. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips when the bytes are gzip (judged by content, not by name), to at most MAX_IDX_BYTES; a corrupt stream names the file. */
export async function gunzipIfCompressed(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipBounded(bytes, MAX_IDX_BYTES, source);
  } catch (error) {
    throw new DatasetError(error instanceof FileReadError ? error.message : `${source}: not a valid gzip file`);
  }
}

/** Reads and parses an IDX file, plain or gzip-compressed. */
export async function readIdxFile(file: string, expectedMagic?: number, dataset = 'IDX'): Promise<IdxArray> {
  const raw = await readFileOrExplain(file, dataset, 'an IDX file, plain or gzip-compressed', MAX_IDX_BYTES);
  return parseIdx(await gunzipIfCompressed(raw, file), file, expectedMagic);
}

/**
 * The dimensions in an IDX file's header, reading only its first bytes (through gunzip when the
 * file is compressed): what a plan needs to know about a dataset without loading it.
 */
export async function readIdxDims(file: string, dataset = 'IDX'): Promise<number[]> {
  const head = await readHead(file, 4 + 4 * 4, dataset);
  const compressed = isGzip(head);
  const bytes = compressed ? await readHead(file, 4 + 4 * 4, dataset, true) : head;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !IDX_TYPES[bytes[2]!] || bytes[3] === 0) throw new DatasetError(`IDX file ${file}: not an IDX file (bad magic)`);
  const rank = bytes[3]!;
  if (bytes.length < 4 + 4 * rank) throw new DatasetError(`IDX file ${file}: truncated header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
}

function readHead(file: string, length: number, dataset: string, gunzipFirst = false): Promise<Uint8Array> {
  // A stream would wait forever on a FIFO nobody writes to: only regular files are opened.
  try {
    assertRegularFile(file);
  } catch (error) {
    return Promise.reject(new DatasetError(`${dataset}: ${file}: cannot read its header (${error instanceof FileReadError ? error.reason : errorMessage(error)})`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const source = createReadStream(file);
    const stream = gunzipFirst ? source.pipe(createGunzip()) : source;
    const done = () => {
      source.destroy();
      resolve(new Uint8Array(Buffer.concat(chunks).subarray(0, length)));
    };
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= length) done();
    });
    stream.on('end', done);
    const fail = (error: unknown) => {
      source.destroy();
      reject(new DatasetError(`${dataset}: ${file}: cannot read its header (${errorMessage(error)})`));
    };
    source.on('error', fail);
    if (stream !== source) stream.on('error', fail);
  });
}
