// The layer tables of every supported network: names follow torchvision (conv1, layer1.0.conv1,
// layer1.0.downsample, fc), shapes follow tfjs. getModelSpec is the one entry point.
import { convLayer, fcLayer, type LayerSpec, type ModelName, type ModelSpec, MODEL_NAMES } from './spec.js';

export interface ModelSpecOptions {
  /** [height, width, channels] of one example; defaults to the model's native input. */
  inputShape?: [number, number, number];
  numClasses?: number;
}

interface ModelInfo {
  nativeInput: [number, number, number];
  nativeClasses: number;
  /** Smallest input side the network's downsampling stages accept. */
  minInputSide: number;
  description: string;
  build(input: [number, number, number], classes: number): LayerSpec[];
}

const MODELS: Record<ModelName, ModelInfo> = {
  'lenet-300-100': {
    nativeInput: [28, 28, 1], nativeClasses: 10, minInputSide: 1,
    description: 'LeNet-300-100: a 784-300-100-10 multilayer perceptron (MNIST).',
    build: ([h, w, c], classes) => [fcLayer('fc1', h * w * c, 300), fcLayer('fc2', 300, 100), fcLayer('fc3', 100, classes)],
  },
  'cnn-small': {
    nativeInput: [32, 32, 3], nativeClasses: 10, minInputSide: 8,
    description: 'A small CNN: three 3×3 convolutions of 32 channels, each followed by ReLU and 2×2 max-pooling, then a classifier.',
    build: ([h, w, c], classes) => {
      const layers: LayerSpec[] = [];
      let hw: [number, number] = [h, w];
      let cin = c;
      for (let i = 1; i <= 3; i++) {
        layers.push(convLayer(`conv${i}`, 3, 3, cin, 32, 1, hw));
        hw = [Math.floor(hw[0] / 2), Math.floor(hw[1] / 2)];
        cin = 32;
      }
      layers.push(fcLayer('fc', hw[0] * hw[1] * 32, classes));
      return layers;
    },
  },
  resnet20: {
    nativeInput: [32, 32, 3], nativeClasses: 10, minInputSide: 4,
    description: 'ResNet-20 for CIFAR (He et al. 2016): 3 stages of 3 basic blocks, 16/32/64 channels, 1×1 projection shortcuts.',
    build: (input, classes) => cifarResNet(input, classes, [16, 32, 64], 3, false),
  },
  'wrn-22-2': {
    nativeInput: [32, 32, 3], nativeClasses: 10, minInputSide: 4,
    description: 'WideResNet-22-2 (Zagoruyko & Komodakis): 3 stages of 3 pre-activation blocks, 32/64/128 channels.',
    build: (input, classes) => cifarResNet(input, classes, [32, 64, 128], 3, true),
  },
  resnet18: {
    nativeInput: [224, 224, 3], nativeClasses: 1000, minInputSide: 32,
    description: 'ResNet-18 (torchvision): basic blocks [2, 2, 2, 2].',
    build: (input, classes) => imagenetResNet(input, classes, [2, 2, 2, 2], false),
  },
  resnet34: {
    nativeInput: [224, 224, 3], nativeClasses: 1000, minInputSide: 32,
    description: 'ResNet-34 (torchvision): basic blocks [3, 4, 6, 3].',
    build: (input, classes) => imagenetResNet(input, classes, [3, 4, 6, 3], false),
  },
  resnet50: {
    nativeInput: [224, 224, 3], nativeClasses: 1000, minInputSide: 32,
    description: 'ResNet-50 v1.5 (torchvision): bottleneck blocks [3, 4, 6, 3], stride on the 3×3 convolution; 54 weight tensors, 25.5 M weights.',
    build: (input, classes) => imagenetResNet(input, classes, [3, 4, 6, 3], true),
  },
};

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

export function modelInfo(name: ModelName): Readonly<Omit<ModelInfo, 'build'>> {
  return MODELS[name];
}

export function getModelSpec(name: ModelName, options: ModelSpecOptions = {}): ModelSpec {
  const info = MODELS[name];
  const inputShape = options.inputShape ?? info.nativeInput;
  const numClasses = options.numClasses ?? info.nativeClasses;
  return { name, inputShape, numClasses, layers: info.build(inputShape, numClasses) };
}

/** Why a model cannot take an input of this shape, or undefined when it can. */
export function inputMismatch(name: ModelName, inputShape: [number, number, number]): string | undefined {
  const info = MODELS[name];
  const side = Math.min(inputShape[0], inputShape[1]);
  if (side < info.minInputSide) {
    return `${name} needs inputs of at least ${info.minInputSide}×${info.minInputSide} pixels; this dataset gives ${inputShape[0]}×${inputShape[1]}`;
  }
  return undefined;
}

function cifarResNet(input: [number, number, number], classes: number, widths: number[], blocksPerStage: number, preActivation: boolean): LayerSpec[] {
  const [h, w, c] = input;
  const stem = 16;
  const layers: LayerSpec[] = [convLayer('conv1', 3, 3, c, stem, 1, [h, w])];
  let hw: [number, number] = [h, w];
  let cin = stem;
  widths.forEach((width, stageIndex) => {
    for (let b = 0; b < blocksPerStage; b++) {
      const stride = b === 0 && stageIndex > 0 ? 2 : 1;
      const prefix = `layer${stageIndex + 1}.${b}`;
      const conv1 = convLayer(`${prefix}.conv1`, 3, 3, cin, width, stride, hw);
      const outHW = conv1.outputHW!;
      layers.push(conv1, convLayer(`${prefix}.conv2`, 3, 3, width, width, 1, outHW));
      if (stride !== 1 || cin !== width) layers.push(convLayer(`${prefix}.downsample`, 1, 1, cin, width, stride, hw));
      hw = outHW;
      cin = width;
    }
  });
  void preActivation; // same weight tensors; the ordering of batch norm differs only in the trainable model
  layers.push(fcLayer('fc', cin, classes));
  return layers;
}

function imagenetResNet(input: [number, number, number], classes: number, blocks: number[], bottleneck: boolean): LayerSpec[] {
  const [h, w, c] = input;
  const layers: LayerSpec[] = [convLayer('conv1', 7, 7, c, 64, 2, [h, w])];
  // 3×3 max-pool with stride 2 after the stem.
  let hw: [number, number] = [Math.ceil(layers[0].outputHW![0] / 2), Math.ceil(layers[0].outputHW![1] / 2)];
  let cin = 64;
  const expansion = bottleneck ? 4 : 1;
  blocks.forEach((count, stageIndex) => {
    const width = 64 * 2 ** stageIndex;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stageIndex > 0 ? 2 : 1;
      const prefix = `layer${stageIndex + 1}.${b}`;
      const cout = width * expansion;
      let outHW: [number, number];
      if (bottleneck) {
        const conv1 = convLayer(`${prefix}.conv1`, 1, 1, cin, width, 1, hw);
        const conv2 = convLayer(`${prefix}.conv2`, 3, 3, width, width, stride, hw);
        outHW = conv2.outputHW!;
        layers.push(conv1, conv2, convLayer(`${prefix}.conv3`, 1, 1, width, cout, 1, outHW));
      } else {
        const conv1 = convLayer(`${prefix}.conv1`, 3, 3, cin, width, stride, hw);
        outHW = conv1.outputHW!;
        layers.push(conv1, convLayer(`${prefix}.conv2`, 3, 3, width, width, 1, outHW));
      }
      if (stride !== 1 || cin !== cout) layers.push(convLayer(`${prefix}.downsample`, 1, 1, cin, cout, stride, hw));
      hw = outHW;
      cin = cout;
    }
  });
  layers.push(fcLayer('fc', cin, classes));
  return layers;
}
