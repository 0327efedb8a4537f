// Per-layer density as horizontal bars, actual inside the outlined target, one row per masked layer
// (54 for ResNet-50) in a canvas as tall as its rows; compare mode adds one actual bar per run.
import type { ChartDataset, TooltipItem } from './chartjs.js';
import { withAlpha } from '../color.js';
import { formatInteger, formatPercent } from '../format.js';
import type { RunModel } from '../model/run-model.js';
import type { Theme } from '../theme.js';
import { linearAxis, tooltipTheme } from './options.js';
import { Chart } from './register.js';

/** Vertical pixels per layer row, and the room the axis and legend take. */
const ROW_HEIGHT = 16;
const ROW_HEIGHT_PER_EXTRA_RUN = 6;
const CHROME_HEIGHT = 78;

type DensityValue = number | null;

export class DensityChartView {
  readonly chart: Chart<'bar', DensityValue[], string>;
  private readonly compare: boolean;

  constructor(
    private readonly box: HTMLElement,
    canvas: HTMLCanvasElement,
    /** The run whose layers and targets are shown; in compare mode the others' actuals are matched by layer name. */
    private readonly focus: RunModel,
    private readonly runs: readonly RunModel[],
    theme: Theme,
  ) {
    this.compare = runs.length > 1;
    const target: ChartDataset<'bar', DensityValue[]> = {
      label: this.compare ? `target (${focus.displayName})` : 'target',
      data: [],
      backgroundColor: withAlpha(theme.foreground, 0.07),
      borderColor: withAlpha(theme.foreground, theme.kind.startsWith('high-contrast') ? 0.9 : 0.55),
      borderWidth: 1,
      grouped: false,
      barPercentage: 1,
      categoryPercentage: 0.9,
      order: 2,
    };
    const actuals: ChartDataset<'bar', DensityValue[]>[] = runs.map((run, index) => ({
      label: this.compare ? run.displayName : 'actual',
      data: [],
      backgroundColor: this.compare ? theme.runColors[index % theme.runColors.length] : theme.palette.blue,
      borderWidth: 0,
      barPercentage: 0.62,
      categoryPercentage: 0.9,
      order: 1,
    }));
    this.chart = new Chart<'bar', DensityValue[], string>(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [target, ...actuals] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: 'y',
        interaction: { mode: 'index', axis: 'y', intersect: false },
        layout: { padding: { right: 12 } },
        plugins: {
          legend: { position: 'top', align: 'start', labels: { color: theme.foreground, boxWidth: 14, boxHeight: 10 } },
          tooltip: { ...tooltipTheme(theme), callbacks: { label: (item) => this.tooltipLabel(item), afterBody: (items) => this.tooltipParams(items) } },
        },
        scales: {
          // The density axis on top: it stays in view while the first rows are read.
          x: { ...linearAxis(theme, 'density (fraction of weights kept)', (v) => formatPercent(v, 0)), position: 'top', min: 0, max: 1 },
          y: {
            type: 'category',
            ticks: { color: theme.foreground, autoSkip: false, font: { family: theme.monoFontFamily, size: 11 } },
            grid: { display: false },
            border: { color: theme.border },
          },
        },
      },
    });
  }

  get layerCount(): number {
    return this.chart.data.labels?.length ?? 0;
  }

  refresh(): void {
    const focus = this.focus.densities();
    const rowHeight = ROW_HEIGHT + (this.runs.length - 1) * ROW_HEIGHT_PER_EXTRA_RUN;
    const height = `${Math.max(120, focus.names.length * rowHeight + CHROME_HEIGHT)}px`;
    // Sized through the CSSOM (the CSP forbids inline style attributes); chart.js follows the box.
    if (this.box.style.height !== height) this.box.style.height = height;
    this.chart.data.labels = focus.names;
    const [target, ...actuals] = this.chart.data.datasets;
    target.data = focus.target;
    this.runs.forEach((run, index) => {
      if (run === this.focus) {
        actuals[index].data = focus.actual;
        return;
      }
      const densities = run.densities();
      const byName = new Map(densities.names.map((name, i) => [name, densities.actual[i]]));
      actuals[index].data = focus.names.map((name) => byName.get(name) ?? null);
    });
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }

  private tooltipLabel(item: TooltipItem<'bar'>): string {
    const value = item.parsed.x;
    return ` ${item.dataset.label ?? ''}: ${value === null || value === undefined ? '—' : formatPercent(value, 2)}`;
  }

  private tooltipParams(items: TooltipItem<'bar'>[]): string {
    const name = items[0]?.label;
    const layer = this.focus.info?.layers.find((l) => l.name === name);
    return layer ? `${formatInteger(layer.params)} weights, shape [${layer.shape.join(', ')}]` : '';
  }
}
