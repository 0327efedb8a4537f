// Small on-disk datasets in the real formats for the PyTorch engine's data tests: CIFAR-10 binary
// records and an ImageNet-style folder of textured JPEGs (written with sharp).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** data_batch_1..5.bin with `perFile` records each and test_batch.bin with `test` records; labels cycle 0..9. */
export function writeCifarFolder(folder: string, perFile: number, test: number): string {
  const records = (count: number, offset: number) => {
    const bytes = Buffer.alloc(count * 3073);
    for (let r = 0; r < count; r++) {
      const label = (offset + r) % 10;
      bytes[r * 3073] = label;
      // Each class a different brightness, so the classes are learnable.
      bytes.fill(20 + 20 * label, r * 3073 + 1, (r + 1) * 3073);
    }
    return bytes;
  };
  for (let i = 1; i <= 5; i++) writeFileSync(join(folder, `data_batch_${i}.bin`), records(perFile, i * perFile));
  writeFileSync(join(folder, 'test_batch.bin'), records(test, 0));
  return folder;
}

/**
 * train/<class>/*.JPEG and val/<class>/*.JPEG with `perClass` (val: `valPerClass`) images of 40×48 pixels per class: a
 * class shade under a diagonal texture, so that random crops and flips change what a model sees.
 */
export async function writeImageFolder(folder: string, classes: string[], perClass: number, valPerClass = perClass): Promise<string> {
  const [width, height] = [48, 40];
  for (const split of ['train', 'val']) {
    for (const [c, name] of classes.entries()) {
      mkdirSync(join(folder, split, name), { recursive: true });
      for (let i = 0; i < (split === 'train' ? perClass : valPerClass); i++) {
        const shade = 40 + 80 * c + 5 * i;
        const pixels = Buffer.alloc(width * height * 3);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const texture = ((3 * x + 5 * y + 7 * i) % 32) - 16;
            pixels.set([shade + texture, 255 - shade + texture, 128 + 2 * texture], (y * width + x) * 3);
          }
        }
        await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toFile(join(folder, split, name, `img${i}.JPEG`));
      }
    }
  }
  return folder;
}
