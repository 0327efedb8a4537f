// Where to crop an image, as pure arithmetic: torchvision's RandomResizedCrop for training and
// "resize the shorter side to size/0.875, then center crop" for evaluation.
import type { SeededRandom } from './random.js';

export interface Region { left: number; top: number; width: number; height: number }

export const CROP_SCALE: [number, number] = [0.08, 1];
export const CROP_RATIO: [number, number] = [3 / 4, 4 / 3];
/** Evaluation crops the central 87.5 % of the resized image (224 of 256). */
export const EVAL_CROP_FRACTION = 0.875;

/** A random region of 8–100 % of the area with aspect ratio 3/4–4/3; after 10 misses, a central crop. */
export function randomResizedCrop(width: number, height: number, random: SeededRandom, scale = CROP_SCALE, ratio = CROP_RATIO): Region {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * random.uniform(scale[0], scale[1]);
    const aspect = Math.exp(random.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: random.int(height - h + 1), left: random.int(width - w + 1), width: w, height: h };
    }
  }
  // Fallback for extreme aspect ratios: the largest central crop whose ratio is within bounds.
  const inputRatio = width / height;
  let w = width;
  let h = height;
  if (inputRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inputRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), width: w, height: h };
}

export interface EvaluationGeometry {
  /** The whole image is first resized to this. */
  resizeWidth: number;
  resizeHeight: number;
  /** Then this region of the resized image (size × size) is kept. */
  crop: Region;
}

export function evaluationGeometry(width: number, height: number, size: number): EvaluationGeometry {
  const shorter = Math.round(size / EVAL_CROP_FRACTION);
  const resizeWidth = width <= height ? shorter : Math.max(shorter, Math.floor((shorter * width) / height));
  const resizeHeight = width <= height ? Math.max(shorter, Math.floor((shorter * height) / width)) : shorter;
  return {
    resizeWidth, resizeHeight,
    crop: { left: Math.round((resizeWidth - size) / 2), top: Math.round((resizeHeight - size) / 2), width: size, height: size },
  };
}
