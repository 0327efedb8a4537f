// One time-series chart: binds a LineChartSpec to the shown runs (one dataset per series, or per
// run and series in compare mode), keeps chart.js pointed at the live point arrays, redraws on demand.
import type { ChartDataset, TooltipItem } from './chartjs.js';
import { withAlpha } from '../color.js';
import type { RunModel } from '../model/run-model.js';
import type { Point } from '../model/series.js';
import type { Theme } from '../theme.js';
import { emptyStatePlugin } from './empty-state.js';
import { maskUpdateMarksPlugin } from './mask-update-marks.js';
import { timeSeriesOptions } from './options.js';
import { Chart } from './register.js';
import { formatValue, type LineChartSpec, type LineSeriesSpec, type SeriesContext, type SeriesRole } from './line-specs.js';

interface Binding {
  run: RunModel;
  series: LineSeriesSpec;
  role: SeriesRole;
  /** The array chart.js was last given for this dataset. */
  source: Point[];
  dataset: ChartDataset<'line', Point[]>;
}

/** What the test hook reports per dataset: points given vs drawn (fewer when decimated). */
export interface DatasetStats {
  label: string;
  runId: string;
  series: string;
  points: number;
  drawn: number;
}

const EMPTY: Point[] = [];

export class LineChartView {
  readonly chart: Chart<'line', Point[]>;
  private readonly bindings: Binding[] = [];
  private readonly compare: boolean;
  private marksDrawn: number[] = [];

  constructor(
    readonly spec: LineChartSpec,
    canvas: HTMLCanvasElement,
    private readonly runs: readonly RunModel[],
    private readonly context: SeriesContext,
    private readonly theme: Theme,
  ) {
    this.compare = runs.length > 1;
    runs.forEach((run, runIndex) => {
      for (const series of spec.series) {
        if (this.compare && series.compare === false) continue;
        const role = (this.compare && series.compare && series.compare.role) || series.role;
        const color = this.compare ? theme.runColors[runIndex % theme.runColors.length] : this.seriesColor(series);
        const source = series.points(run, context) ?? EMPTY;
        this.bindings.push({ run, series, role, source, dataset: this.makeDataset(source, color, role) });
      }
    });
    this.relabel();
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: this.bindings.map((binding) => binding.dataset) },
      plugins: [
        emptyStatePlugin(spec.emptyText, theme.mutedForeground, `12px ${theme.fontFamily}`),
        ...(spec.marksMaskUpdates ? [maskUpdateMarksPlugin({
          runs: () => runs.map((run, runIndex) => ({
            steps: run.updateSteps,
            color: withAlpha(this.compare ? theme.runColors[runIndex % theme.runColors.length] : theme.mutedForeground, 0.45),
          })),
          drawn: (steps) => { this.marksDrawn = steps; },
        })] : []),
      ],
      options: timeSeriesOptions(theme, {
        yTitle: spec.yTitle, yFormat: spec.yFormat, yMin: spec.yMin, yMax: spec.yMax,
        legendFilter: (index) => this.inLegend(index),
        tooltipLabel: (item) => this.tooltipLabel(item),
      }),
    });
  }

  /** Re-reads the series sources (the selected layer may have changed) and redraws. */
  refresh(): void {
    for (const binding of this.bindings) {
      const source = binding.series.points(binding.run, this.context) ?? EMPTY;
      if (source !== binding.source) {
        binding.source = source;
        // With decimation active chart.js has replaced `data` by an accessor whose setter stores the source.
        binding.dataset.data = source;
      }
    }
    this.relabel();
    // Every time-series chart spans step 0 to the latest step of its runs, so charts line up in the grid.
    const latestStep = Math.max(0, ...this.runs.map((run) => run.step));
    const x = this.chart.options.scales?.x;
    if (x) x.max = latestStep > 0 ? latestStep : undefined;
    this.chart.update('none');
  }

  stats(): DatasetStats[] {
    return this.bindings.map((binding, index) => ({
      label: binding.dataset.label ?? '',
      runId: binding.run.runId,
      series: binding.series.key,
      points: binding.source.length,
      drawn: this.chart.getDatasetMeta(index).data.length,
    }));
  }

  /** The mask-update steps marked in the last draw. */
  maskUpdateMarks(): number[] {
    return [...this.marksDrawn];
  }

  /** The y values given for one dataset, for tests that compare raw and smoothed curves. */
  values(runId: string, seriesKey: string): number[] {
    const binding = this.bindings.find((b) => b.run.runId === runId && b.series.key === seriesKey);
    return binding ? binding.source.map((point) => point.y) : [];
  }

  destroy(): void {
    this.chart.destroy();
  }

  private seriesColor(series: LineSeriesSpec): string {
    return series.color === 'muted' ? this.theme.mutedForeground : this.theme.palette[series.color];
  }

  private makeDataset(data: Point[], color: string, role: SeriesRole): ChartDataset<'line', Point[]> {
    const dataset: ChartDataset<'line', Point[]> = {
      data,
      borderColor: role === 'raw' ? withAlpha(color, this.theme.kind.startsWith('high-contrast') ? 0.45 : 0.28) : color,
      backgroundColor: color,
      borderWidth: role === 'raw' ? 1 : role === 'main' ? 2 : 1.5,
      pointRadius: 0,
      // Lower order is drawn last (on top): raw curves under their smoothed twins, and dashed or dotted
      // series over solid ones, so a dashed series equal to a solid one (grown = dropped) stays visible.
      order: role === 'raw' ? 2 : role === 'main' ? 1 : 0,
    };
    if (role === 'dashed') dataset.borderDash = [6, 4];
    if (role === 'marker') {
      dataset.pointRadius = 2.5;
      dataset.pointHoverRadius = 4;
      dataset.pointBackgroundColor = color;
      dataset.borderDash = [2, 3];
    }
    return dataset;
  }

  private relabel(): void {
    const compareSeries = this.spec.series.filter((series) => series.compare !== false && !series.hideInLegend);
    for (const binding of this.bindings) {
      const seriesLabel = binding.series.label(this.context);
      if (!this.compare) binding.dataset.label = seriesLabel;
      // In compare mode the legend names runs; the series is named too only where a run has several.
      else binding.dataset.label = compareSeries.length > 1 ? `${binding.run.displayName} · ${seriesLabel}` : binding.run.displayName;
    }
  }

  private inLegend(index: number): boolean {
    const binding = this.bindings[index];
    return binding !== undefined && !binding.series.hideInLegend && binding.source.length > 0;
  }

  private tooltipLabel(item: TooltipItem<'line'>): string {
    return ` ${item.dataset.label ?? ''}: ${formatValue(this.spec, item.parsed.y ?? NaN)}`;
  }
}
