// Model specifications: the shape of every weight tensor and activation a network has, without
// any tfjs. Distributions, FLOPs counts and the config language all read these.

/** One maskable weight tensor (a convolution or fully connected layer). */
export interface LayerSpec {
  /** torchvision-style name: conv1, layer1.0.conv1, layer1.0.downsample, fc. */
  name: string;
  kind: 'conv' | 'fc';
  /** tfjs layout: conv [kh, kw, cin, cout]; fc [in, out]. */
  shape: number[];
  /** Number of weights: the product of shape. */
  params: number;
  /** conv only: stride and the spatial size of the output feature map. */
  stride?: number;
  outputHW?: [number, number];
  /** Dense forward FLOPs for one example: 2 × multiply-adds. */
  flops: number;
}

export interface ModelSpec {
  name: ModelName;
  /** Input of one example, [height, width, channels]. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Maskable layers in forward order: the first is the network's first layer, the last its classifier. */
  layers: LayerSpec[];
}

export const MODEL_NAMES = ['lenet-300-100', 'cnn-small', 'resnet20', 'wrn-22-2', 'resnet18', 'resnet34', 'resnet50'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function convLayer(name: string, kh: number, kw: number, cin: number, cout: number, stride: number, inHW: [number, number]): LayerSpec {
  // 'same' padding: output = ceil(input / stride), as every network here pads k//2.
  const outputHW: [number, number] = [Math.ceil(inHW[0] / stride), Math.ceil(inHW[1] / stride)];
  const params = kh * kw * cin * cout;
  return { name, kind: 'conv', shape: [kh, kw, cin, cout], params, stride, outputHW, flops: 2 * params * outputHW[0] * outputHW[1] };
}

export function fcLayer(name: string, inputs: number, outputs: number): LayerSpec {
  const params = inputs * outputs;
  return { name, kind: 'fc', shape: [inputs, outputs], params, flops: 2 * params };
}
