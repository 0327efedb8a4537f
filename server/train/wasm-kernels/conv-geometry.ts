// Shared pieces of the wasm training kernels: the NHWC geometry of a convolution from a kernel's
// attributes, tensors from kernel inputs, layout changes, and spatial padding that may be negative.
import * as tf from '@tensorflow/tfjs-core';

export type PadAttr = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
export type Pair = number | [number, number];

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/** Geometry of an NHWC convolution of xShape by filterShape, exactly as tf.conv2d pads it. */
export function convGeometry(xShape: number[], filterShape: number[], strides: Pair, pad: PadAttr, dimRoundingMode?: 'floor' | 'round' | 'ceil'): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  return {
    batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth, strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    padTop: info.padInfo.top, padBottom: info.padInfo.bottom, padLeft: info.padInfo.left, padRight: info.padInfo.right,
  };
}

/**
 * Kernel inputs arrive as Tensors when called through ops. A bare TensorInfo (a kernel called
 * directly) is wrapped in a Tensor that holds its own reference, so disposing the wrapper (as
 * tidy does) leaves the caller's data alive.
 */
export function asTensor<T extends tf.Tensor>(info: tf.TensorInfo | undefined, name: string): T {
  if (info == null) throw new Error(`wasm training kernel: missing input '${name}'`);
  if (info instanceof tf.Tensor) return info as T;
  const wrapper = tf.engine().makeTensorFromTensorInfo(info) as T;
  tf.backend().incRef(info.dataId);
  return wrapper;
}

export const toNHWC = (t: tf.Tensor4D): tf.Tensor4D => tf.transpose(t, [0, 2, 3, 1]);
export const toNCHW = (t: tf.Tensor4D): tf.Tensor4D => tf.transpose(t, [0, 3, 1, 2]);

/**
 * Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor, so callers can
 * write the exact index arithmetic of a transposed convolution without special cases.
 */
export function padOrCropSpatial(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const [n, h, w, c] = t.shape;
  let out = t;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const cropTop = Math.max(0, -top);
    const cropLeft = Math.max(0, -left);
    out = tf.slice(out, [0, cropTop, cropLeft, 0], [n, h - cropTop - Math.max(0, -bottom), w - cropLeft - Math.max(0, -right), c]);
  }
  const [pt, pb, pl, pr] = [top, bottom, left, right].map((p) => Math.max(0, p));
  return pt + pb + pl + pr > 0 ? tf.pad(out, [[0, 0], [pt, pb], [pl, pr], [0, 0]]) : out;
}
