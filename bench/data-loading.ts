// Data-loading figures: MNIST batches per second through the prefetcher, and ImageNet-style
// JPEG decode + crop time per image on a generated folder of photo-sized images.
import { openDataset } from '../server/data/index.js';
import { defaultDecodeConcurrency, openImageNet } from '../server/data/imagenet.js';
import type { Batch, Dataset } from '../server/data/types.js';
import { temporaryFolder, writeImageTree } from '../test/fixtures/data/generate.js';

const base = { synthetic_size: 1024, train_limit: 0 };

async function drain(batches: AsyncIterable<Batch>, limit = Infinity): Promise<{ batches: number; examples: number; ms: number }> {
  const start = performance.now();
  let count = 0;
  let examples = 0;
  for await (const batch of batches) {
    examples += batch.size;
    if (++count >= limit) break;
  }
  return { batches: count, examples, ms: performance.now() - start };
}

async function benchMnist(): Promise<void> {
  const openStart = performance.now();
  const dataset = await openDataset({ name: 'mnist', ...base }, { seed: 0 });
  console.log(`MNIST open (read + parse 4 IDX files): ${(performance.now() - openStart).toFixed(0)} ms`);
  for (const batchSize of [100, 1000]) {
    const run = await drain(dataset.trainBatches({ epoch: 0, batchSize, seed: 0 }));
    console.log(`MNIST train, batch ${batchSize}: ${run.batches} batches in ${run.ms.toFixed(0)} ms = ${((run.batches * 1000) / run.ms).toFixed(0)} batches/s (${((run.examples * 1000) / run.ms / 1e6).toFixed(2)} M examples/s)`);
  }
  const test = await drain(dataset.testBatches(1000));
  console.log(`MNIST test, batch 1000: ${((test.batches * 1000) / test.ms).toFixed(0)} batches/s`);
}

async function benchImageNet(): Promise<void> {
  const tree = temporaryFolder('bench-imagenet');
  try {
    // 500×375 and 375×500 are ImageNet's most common sizes.
    await writeImageTree(tree.folder, { classes: ['n01', 'n02', 'n03', 'n04'], perClass: 24, sizes: [[500, 375], [375, 500], [500, 333]], texture: true });
    const opened = await openDataset({ name: 'imagenet', path: tree.folder, image_size: 224, ...base }, { seed: 0 });
    // The default pool is what openDataset gives a run; one decode at a time shows the per-image latency.
    const sequential = await openImageNet({ path: tree.folder, imageSize: 224, trainLimit: 0, prefetchDepth: 3, decodeConcurrency: 1 });
    for (const [label, dataset] of [['1 decode at a time', sequential], [`${defaultDecodeConcurrency()} decodes in flight (default)`, opened]] as const) {
      // Warm-up of both paths: loads libvips, compiles the hot loops, fills the file cache.
      await drain(dataset.testBatches(16), 2);
      await drain(dataset.trainBatches({ epoch: 0, batchSize: 16, seed: 0 }), 2);
      const train = await drain(dataset.trainBatches({ epoch: 1, batchSize: 16, seed: 0 }));
      const test = await drain(dataset.testBatches(16));
      console.log(`ImageNet-style 224², ${label}: train (random-resized crop + flip) ${(train.ms / train.examples).toFixed(2)} ms/image, eval (resize 256 + center crop) ${(test.ms / test.examples).toFixed(2)} ms/image`);
    }
    await benchOverlap(opened);
  } finally {
    tree.remove();
  }
}

/** Blocks the JavaScript thread like a synchronous training step on a CPU backend. */
function busyStep(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
}

/** How much decoding hides behind a step that blocks the event loop, thanks to the prefetcher. */
async function benchOverlap(dataset: Dataset): Promise<void> {
  const batchSize = 16;
  const decodeOnly = await drain(dataset.trainBatches({ epoch: 2, batchSize, seed: 0 }));
  const stepMs = decodeOnly.ms / decodeOnly.batches;
  const start = performance.now();
  let waited = 0;
  let batches = 0;
  const iterator = dataset.trainBatches({ epoch: 3, batchSize, seed: 0 })[Symbol.asyncIterator]();
  for (;;) {
    const before = performance.now();
    const next = await iterator.next();
    waited += performance.now() - before;
    if (next.done) break;
    batches++;
    busyStep(stepMs);
  }
  const perBatch = (performance.now() - start) / batches;
  console.log(`ImageNet-style overlap, batch ${batchSize}: decoding alone ${stepMs.toFixed(1)} ms/batch; with a blocking ${stepMs.toFixed(1)} ms step per batch ${perBatch.toFixed(1)} ms/batch (${(2 * stepMs).toFixed(1)} if serial), waiting on data ${(waited / batches).toFixed(1)} ms/batch`);
}

async function main(): Promise<void> {
  await benchMnist();
  await benchImageNet();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
