// Conv2DBackpropInput for the wasm backend: dx as forward convolutions of dy with the filter
// rotated 180° (in/out channels swapped), one per stride phase, so no work is spent on zeros.
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, convGeometry, padOrCropSpatial, toNCHW, toNHWC, type ConvGeometry, type PadAttr, type Pair } from './conv-geometry.js';
import { heapTensor, heapView, wasmBackend, type BackendWasm } from './heap.js';

/**
 * Why phases: with stride s, dx[i] = Σ dy[o]·W[k] over o·s + k − padTop = i. Writing j = i + padTop
 * = q·s + r, only taps k ≡ r (mod s) reach phase r, and dx at phase r is a stride-1 correlation of
 * dy with the reversed sub-filter W[r], W[r+s], …. The s×s phase outputs interleave into dx. For
 * s = 1 this is the textbook "convolve dy with the rotated filter", with no interleaving.
 */
export function conv2dBackpropInputNHWC(backend: BackendWasm, dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const rows = phaseRanges(g.inHeight, g.padTop, g.strideHeight);
    const cols = phaseRanges(g.inWidth, g.padLeft, g.strideWidth);
    const filterData = filter.dataSync() as Float32Array;
    const phases: Phase[] = [];
    for (let rh = 0; rh < g.strideHeight; rh++) {
      for (let rw = 0; rw < g.strideWidth; rw++) {
        const taps = [tapCount(g.filterHeight, rh, g.strideHeight), tapCount(g.filterWidth, rw, g.strideWidth)];
        // A phase no tap reaches (kernel smaller than stride) gets no gradient: it stays zero.
        if (taps[0] === 0 || taps[1] === 0) continue;
        const subFilter = tf.tensor4d(rotatedSubFilter(filterData, g, rh, rw, taps[0], taps[1]), [taps[0], taps[1], g.outChannels, g.inChannels]);
        const dyPadded = padOrCropSpatial(dy, taps[0] - 1 - rows.first, rows.end - g.outHeight, taps[1] - 1 - cols.first, cols.end - g.outWidth);
        phases.push({ rh, rw, output: tf.conv2d(dyPadded, subFilter, 1, 'valid') });
      }
    }
    const top = g.padTop - rows.first * g.strideHeight;
    const left = g.padLeft - cols.first * g.strideWidth;
    const only = phases.length === 1 && g.strideHeight === 1 && g.strideWidth === 1 ? phases[0].output : undefined;
    if (only && top === 0 && left === 0 && only.shape[1] === g.inHeight && only.shape[2] === g.inWidth) return only;
    return interleavePhases(backend, phases, g, top, left);
  });
}

interface Phase {
  rh: number;
  rw: number;
  /** [n, q_h, q_w, c]: dx at rows q_h·s_h + rh − top and columns q_w·s_w + rw − left. */
  output: tf.Tensor4D;
}

/** Scatters the phase outputs into dx on the heap (one pass; wasm's Pack/Slice would take three). */
function interleavePhases(backend: BackendWasm, phases: Phase[], g: ConvGeometry, top: number, left: number): tf.Tensor4D {
  const { batch, inHeight, inWidth, inChannels: c, strideHeight: sh, strideWidth: sw } = g;
  const dx = heapTensor<tf.Rank.R4>(backend, [batch, inHeight, inWidth, c]);
  const out = heapView(backend, dx.info);
  if (phases.length < sh * sw) out.fill(0);
  for (const { rh, rw, output } of phases) {
    const src = heapView(backend, output);
    const [, qRows, qCols] = output.shape;
    for (let n = 0; n < batch; n++) {
      for (let q = 0; q < qRows; q++) {
        const i = q * sh + rh - top;
        if (i < 0 || i >= inHeight) continue;
        for (let p = 0; p < qCols; p++) {
          const j = p * sw + rw - left;
          if (j < 0 || j >= inWidth) continue;
          const from = ((n * qRows + q) * qCols + p) * c;
          out.set(src.subarray(from, from + c), ((n * inHeight + i) * inWidth + j) * c);
        }
      }
    }
  }
  return dx.tensor;
}

/** Phase outputs q ∈ [first, end) cover the padded input positions j ∈ [pad, pad + size). */
function phaseRanges(size: number, pad: number, stride: number): { first: number; end: number } {
  const first = Math.floor(pad / stride);
  const end = Math.ceil((pad + size) / stride);
  return { first, end };
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

export function conv2dBackpropInputKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const attrs = (args.attrs ?? {}) as unknown as { strides: Pair; pad: PadAttr; dataFormat?: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: number[] };
  const backend = wasmBackend(args.backend);
  return tf.tidy(() => {
    const dy = asTensor<tf.Tensor4D>(args.inputs.dy, 'dy');
    const filter = asTensor<tf.Tensor4D>(args.inputs.filter, 'filter');
    const channelsFirst = attrs.dataFormat === 'NCHW';
    const s = attrs.inputShape;
    const nhwcShape = channelsFirst ? [s[0], s[2], s[3], s[1]] : s;
    const geometry = convGeometry(nhwcShape, filter.shape, attrs.strides, attrs.pad, attrs.dimRoundingMode);
    const dx = conv2dBackpropInputNHWC(backend, channelsFirst ? toNHWC(dy) : dy, filter, geometry);
    return channelsFirst ? toNCHW(dx) : dx;
  });
}
