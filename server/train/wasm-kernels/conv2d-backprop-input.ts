// Conv2DBackpropInput for the wasm backend: dx as forward convolutions of dy with the filter
// rotated 180° (in/out channels swapped), one per stride phase, so no work is spent on zeros.
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, convGeometry, padOrCropSpatial, toNCHW, toNHWC, type ConvGeometry, type PadAttr, type Pair } from './conv-geometry.js';

/**
 * Why phases: with stride s, dx[i] = Σ dy[o]·W[k] over o·s + k − padTop = i. Writing j = i + padTop
 * = q·s + r, only taps k ≡ r (mod s) reach phase r, and dx at phase r is a stride-1 correlation of
 * dy with the reversed sub-filter W[r], W[r+s], …. The s×s phase outputs interleave into dx. For
 * s = 1 this is the textbook "convolve dy with the rotated filter".
 */
export function conv2dBackpropInputNHWC(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const rows = phaseRanges(g.inHeight, g.padTop, g.strideHeight);
    const cols = phaseRanges(g.inWidth, g.padLeft, g.strideWidth);
    const filterData = filter.dataSync() as Float32Array;
    const phaseRows: tf.Tensor4D[] = [];
    for (let rh = 0; rh < g.strideHeight; rh++) {
      const phaseCols: tf.Tensor4D[] = [];
      for (let rw = 0; rw < g.strideWidth; rw++) {
        const taps = [tapCount(g.filterHeight, rh, g.strideHeight), tapCount(g.filterWidth, rw, g.strideWidth)];
        if (taps[0] === 0 || taps[1] === 0) {
          // A phase no tap reaches (kernel smaller than stride): those positions of dx get no gradient.
          phaseCols.push(tf.zeros([g.batch, rows.count, cols.count, g.inChannels]));
          continue;
        }
        const subFilter = tf.tensor4d(rotatedSubFilter(filterData, g, rh, rw, taps[0], taps[1]), [taps[0], taps[1], g.outChannels, g.inChannels]);
        const dyPadded = padOrCropSpatial(dy, taps[0] - 1 - rows.first, rows.end - g.outHeight, taps[1] - 1 - cols.first, cols.end - g.outWidth);
        phaseCols.push(tf.conv2d(dyPadded, subFilter, 1, 'valid'));
      }
      // Interleave along width: [n, q, qw, s, c] -> [n, q, qw·s, c].
      phaseRows.push(interleave(phaseCols, 3, [g.batch, rows.count, cols.count * g.strideWidth, g.inChannels]));
    }
    const full = interleave(phaseRows, 2, [g.batch, rows.count * g.strideHeight, cols.count * g.strideWidth, g.inChannels]);
    const top = g.padTop - rows.first * g.strideHeight;
    const left = g.padLeft - cols.first * g.strideWidth;
    if (top === 0 && left === 0 && full.shape[1] === g.inHeight && full.shape[2] === g.inWidth) return full;
    return tf.slice(full, [0, top, left, 0], [g.batch, g.inHeight, g.inWidth, g.inChannels]);
  });
}

/** Phase outputs q ∈ [first, end) cover the padded input positions j ∈ [pad, pad + size). */
function phaseRanges(size: number, pad: number, stride: number): { first: number; end: number; count: number } {
  const first = Math.floor(pad / stride);
  const end = Math.ceil((pad + size) / stride);
  return { first, end, count: end - first };
}

/** Number of filter taps k < filterSize with k ≡ phase (mod stride). */
function tapCount(filterSize: number, phase: number, stride: number): number {
  return phase >= filterSize ? 0 : Math.ceil((filterSize - phase) / stride);
}

/** R[a, b, co, ci] = W[rh + s·(th−1−a), rw + s·(tw−1−b), ci, co]: rotated, in/out swapped (on the host: wasm's Reverse is slow). */
function rotatedSubFilter(w: Float32Array, g: ConvGeometry, rh: number, rw: number, th: number, tw: number): Float32Array {
  const cin = g.inChannels;
  const cout = g.outChannels;
  const out = new Float32Array(th * tw * cout * cin);
  for (let a = 0; a < th; a++) {
    const kh = rh + g.strideHeight * (th - 1 - a);
    for (let b = 0; b < tw; b++) {
      const kw = rw + g.strideWidth * (tw - 1 - b);
      const src = (kh * g.filterWidth + kw) * cin * cout;
      const dst = (a * tw + b) * cout * cin;
      for (let ci = 0; ci < cin; ci++) {
        const srcRow = src + ci * cout;
        for (let co = 0; co < cout; co++) out[dst + co * cin + ci] = w[srcRow + co];
      }
    }
  }
  return out;
}

/** Stacks same-shape phase tensors along a new axis after `axis − 1` and merges it into `axis − 1`. */
function interleave(parts: tf.Tensor4D[], axis: number, shape: [number, number, number, number]): tf.Tensor4D {
  if (parts.length === 1) return parts[0];
  return tf.reshape(tf.stack(parts, axis), shape);
}

export function conv2dBackpropInputKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const attrs = (args.attrs ?? {}) as unknown as { strides: Pair; pad: PadAttr; dataFormat?: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: number[] };
  const dy = asTensor<tf.Tensor4D>(args.inputs.dy, 'dy');
  const filter = asTensor<tf.Tensor4D>(args.inputs.filter, 'filter');
  const channelsFirst = attrs.dataFormat === 'NCHW';
  const s = attrs.inputShape;
  const nhwcShape = channelsFirst ? [s[0], s[2], s[3], s[1]] : s;
  const geometry = convGeometry(nhwcShape, filter.shape, attrs.strides, attrs.pad, attrs.dimRoundingMode);
  return tf.tidy(() => {
    const dx = conv2dBackpropInputNHWC(channelsFirst ? toNHWC(dy) : dy, filter, geometry);
    return channelsFirst ? toNCHW(dx) : dx;
  });
}
