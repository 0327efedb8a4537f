// static (RIGL-SPEC §5): a fixed random mask from the chosen distribution that never changes;
// the mask itself comes from createInitialMasks.
import { FixedMaskUpdater } from './fixed.js';

export function createStaticUpdater(): FixedMaskUpdater {
  return new FixedMaskUpdater('static');
}
