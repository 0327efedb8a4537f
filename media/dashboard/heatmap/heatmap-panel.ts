// The churn heatmap's panel: the chart panel plus the hover tooltip inside the canvas box and the
// colour-scale legend below it, wired to a ChurnHeatmap.
import type { Theme } from '../theme.js';
import { h } from '../ui/dom.js';
import { createPanel } from '../ui/panel.js';
import { ChurnHeatmap } from './churn-heatmap.js';

export function createHeatmapPanel(
  theme: Theme,
  onExport: (canvas: HTMLCanvasElement) => void,
  onSelectLayer: (layer: string) => void,
): { section: HTMLElement; heatmap: ChurnHeatmap } {
  const panel = createPanel({
    id: 'churn', title: 'Topology change per layer and mask update', wide: true, scroll: true,
    description: 'Topology-change heatmap', onExport: () => onExport(panel.canvas),
  });
  const { canvas, box, footer } = panel;
  canvas.tabIndex = 0;
  canvas.classList.add('heatmap-canvas');
  const tooltip = h('div', { class: 'heatmap-tooltip', role: 'tooltip', id: 'churn-tooltip', 'aria-live': 'polite' });
  tooltip.hidden = true;
  box.append(tooltip);
  canvas.setAttribute('aria-describedby', 'churn-tooltip');
  const legendCanvas = h('canvas', { class: 'legend-scale', width: 160, height: 10, 'aria-hidden': 'true' });
  const legendMax = h('span', { class: 'legend-max' });
  footer.append(h('div', { class: 'heatmap-legend' },
    h('span', {}, 'changed ((grown − grown back) ÷ active):'), h('span', {}, '0'), legendCanvas, legendMax,
    h('span', { class: 'legend-note' }, 'Click a row, or press Enter on it, to show its ITOP.')));
  const heatmap = new ChurnHeatmap({ box, canvas, tooltip, legendCanvas, legendMax }, theme, onSelectLayer);
  return { section: panel.section, heatmap };
}
