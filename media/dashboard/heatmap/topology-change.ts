// What the heatmap colours: how much of a layer's topology an update really changed. Under RigL
// grown ÷ active is f(t) in every layer; (grown − grown back) ÷ active differs per layer.
import type { LayerMaskStats } from '../../../server/protocol.js';

/** (grown − grown back) ÷ active: connections new to the mask after the update, as a share of it. */
export function topologyChange(stats: LayerMaskStats): number {
  return stats.active > 0 ? (stats.grown - stats.grownBack) / stats.active : 0;
}
