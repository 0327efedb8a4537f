// The data contract between datasets and the trainer: batches are host arrays (NHWC float32,
// already normalized, plus int32 class indices); the trainer turns them into tensors.

export interface Batch {
  /** NHWC, normalized; length size × height × width × channels. A fresh array for every batch. */
  x: Float32Array;
  /** Class index of each example. */
  y: Int32Array;
  /** Number of examples in this batch. */
  size: number;
}

export interface TrainBatchOptions {
  epoch: number;
  batchSize: number;
  seed: number;
  /** Batches of this epoch already trained: a resumed run continues after them. */
  startBatch?: number;
}

export interface Dataset {
  name: string;
  /** One example's shape, [height, width, channels]. */
  inputShape: [number, number, number];
  numClasses: number;
  trainSize: number;
  testSize: number;
  /** Shuffled by (seed, epoch) deterministically; startBatch lets a resumed run continue mid-epoch. Drops the last partial batch. */
  trainBatches(options: TrainBatchOptions): AsyncIterable<Batch>;
  /** In order, every test example (last batch may be partial). */
  testBatches(batchSize: number): AsyncIterable<Batch>;
}

/** What opening a dataset may take from the model and the run besides the config. */
export interface OpenDatasetOptions {
  /** The model's native input; synthetic data takes it, imagenet takes its side as the default crop. */
  inputShape?: [number, number, number];
  /** The model's classes; synthetic data takes it. */
  numClasses?: number;
  seed: number;
  /** Batches prepared ahead of the consumer (2–4 is plenty); default 3. */
  prefetchDepth?: number;
}
