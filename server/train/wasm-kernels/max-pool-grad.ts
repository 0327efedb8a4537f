// MaxPoolGrad for the wasm backend in JavaScript on the heap: each window's first maximum (the
// rule of tfjs's cpu kernel) receives that window's dy. wasm's own is several times slower.
import * as tf from '@tensorflow/tfjs-core';
import { type PadAttr, type Pair } from './conv-geometry.js';
import { heapView, wasmBackend } from './heap.js';

export function maxPoolGradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = wasmBackend(args.backend);
  const attrs = (args.attrs ?? {}) as unknown as { filterSize: Pair; strides: Pair; pad: PadAttr; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const input = required(args.inputs.input, 'input');
  const dyInfo = required(args.inputs.dy, 'dy');
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const out = backend.makeOutput(input.shape, 'float32');
  const x = heapView(backend, input);
  const dy = heapView(backend, dyInfo);
  const dx = heapView(backend, out);
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const maxValue = new Float32Array(channels);
  const maxIndex = new Int32Array(channels);
  let dyIndex = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - info.padInfo.top;
      for (let ow = 0; ow < outWidth; ow++, dyIndex += channels) {
        const left = ow * strideWidth - info.padInfo.left;
        maxValue.fill(-Infinity);
        maxIndex.fill(-1);
        for (let ih = Math.max(0, top); ih < Math.min(inHeight, top + filterHeight); ih++) {
          for (let iw = Math.max(0, left); iw < Math.min(inWidth, left + filterWidth); iw++) {
            const base = ((n * inHeight + ih) * inWidth + iw) * channels;
            for (let c = 0; c < channels; c++) {
              const value = x[base + c];
              if (value > maxValue[c]) {
                maxValue[c] = value;
                maxIndex[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) if (maxIndex[c] >= 0) dx[maxIndex[c]] += dy[dyIndex + c];
      }
    }
  }
  return out;
}

function required(info: tf.TensorInfo | undefined, name: string): tf.TensorInfo {
  if (info == null) throw new Error(`MaxPoolGrad: missing input '${name}'`);
  return info;
}
