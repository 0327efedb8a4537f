// Conv2DBackpropFilter for the wasm backend, which has none: dW = im2col(x)ᵀ × dy, the transposed
// patch matrix written straight onto the heap, then one plain (fast) matrix product.
import * as tf from '@tensorflow/tfjs-core';
import { asTensor, convGeometry, toNHWC, type ConvGeometry, type PadAttr, type Pair } from './conv-geometry.js';
import { heapTensor, heapView, wasmBackend, type BackendWasm } from './heap.js';

/**
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh − padTop, ow·s + kw − padLeft, ci] · dy[n, oh, ow, co].
 *
 * Pᵀ [kh·kw·ci, n·oh·ow] is built in JavaScript rather than with slices and a transpose: wasm's
 * Slice copies row by row in JavaScript anyway, its StridedSlice and Transpose are slow, and its
 * matMul with transposeA is ~10× slower than a plain product, which this layout avoids.
 */
export function conv2dBackpropFilterNHWC(backend: BackendWasm, x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const positions = g.batch * g.outHeight * g.outWidth;
    const rows = g.filterHeight * g.filterWidth * g.inChannels;
    const patches = heapTensor<tf.Rank.R2>(backend, [rows, positions]);
    writeTransposedPatches(heapView(backend, x), heapView(backend, patches.info), g);
    const dW = tf.matMul(patches.tensor, tf.reshape(dy, [positions, g.outChannels]));
    return tf.reshape(dW, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  });
}

/**
 * Channels are copied in groups: the rows of one group are written side by side, and rows a
 * power of two apart map to the same cache set, so more than ~8 live rows thrash the L1 cache.
 */
const CHANNEL_GROUP = 8;

function writeTransposedPatches(x: Float32Array, out: Float32Array, g: ConvGeometry): void {
  const { batch, inHeight, inWidth, inChannels: cin, outHeight, outWidth } = g;
  const positions = batch * outHeight * outWidth;
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const tapBase = (kh * g.filterWidth + kw) * cin * positions;
      for (let c0 = 0; c0 < cin; c0 += CHANNEL_GROUP) {
        const c1 = Math.min(cin, c0 + CHANNEL_GROUP);
        let m = 0;
        for (let n = 0; n < batch; n++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * g.strideHeight + kh - g.padTop;
            const rowInside = ih >= 0 && ih < inHeight;
            for (let ow = 0; ow < outWidth; ow++, m++) {
              const iw = ow * g.strideWidth + kw - g.padLeft;
              const dst = tapBase + m;
              if (!rowInside || iw < 0 || iw >= inWidth) {
                for (let ci = c0; ci < c1; ci++) out[dst + ci * positions] = 0;
                continue;
              }
              const src = ((n * inHeight + ih) * inWidth + iw) * cin;
              for (let ci = c0; ci < c1; ci++) out[dst + ci * positions] = x[src + ci];
            }
          }
        }
      }
    }
  }
}

export function conv2dBackpropFilterKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = wasmBackend(args.backend);
  const attrs = (args.attrs ?? {}) as unknown as { strides: Pair; pad: PadAttr; dataFormat?: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: number[] };
  return tf.tidy(() => {
    const x = asTensor<tf.Tensor4D>(args.inputs.x, 'x');
    const dy = asTensor<tf.Tensor4D>(args.inputs.dy, 'dy');
    const channelsFirst = attrs.dataFormat === 'NCHW';
    const xNHWC = channelsFirst ? toNHWC(x) : x;
    const geometry = convGeometry(xNHWC.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode);
    return conv2dBackpropFilterNHWC(backend, xNHWC, channelsFirst ? toNHWC(dy) : dy, geometry);
  });
}
