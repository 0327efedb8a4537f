// dense (RIGL-SPEC §5): no sparsity; the all-ones masks from createInitialMasks never change,
// so the trainer may skip masking altogether.
import { FixedMaskUpdater } from './fixed.js';

export function createDenseUpdater(): FixedMaskUpdater {
  return new FixedMaskUpdater('dense');
}
