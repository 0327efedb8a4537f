// A per-chart chart.js plugin that writes a short note over the plot area while the chart has no
// points yet, instead of an empty 0–1 grid that looks broken.
import type { Chart, Plugin } from './chartjs.js';

export function emptyStatePlugin(text: string, color: string, font: string): Plugin {
  return {
    id: 'riglEmptyState',
    afterDraw(chart: Chart) {
      // With decimation active `data` is the decimated copy; `_data` then holds the source.
      const empty = chart.data.datasets.every((dataset) => ((dataset as { _data?: unknown[] })._data ?? dataset.data).length === 0);
      if (!empty) return;
      const { left, right, top, bottom } = chart.chartArea;
      const context = chart.ctx;
      context.save();
      context.fillStyle = color;
      context.font = font;
      context.textAlign = 'center';
      context.textBaseline = 'middle';
      context.fillText(text, (left + right) / 2, (top + bottom) / 2);
      context.restore();
    },
  };
}
