// Options shared by the charts: no animation, themed axes and tooltips, and what keeps 100,000 points
// per series smooth (no parsing, normalized data, LTTB decimation on a linear x axis).
import type { ChartOptions, LegendItem, TooltipItem } from './chartjs.js';
import { formatInteger, formatTick } from '../format.js';
import type { Theme } from '../theme.js';

export function tooltipTheme(theme: Theme) {
  return {
    backgroundColor: theme.tooltipBackground,
    titleColor: theme.tooltipForeground,
    bodyColor: theme.tooltipForeground,
    borderColor: theme.tooltipBorder,
    borderWidth: 1,
    padding: 8,
    boxPadding: 4,
    usePointStyle: true,
  };
}

/** Options of one scale, as chart.js accepts them (deeply partial). */
export type ScaleConfig = NonNullable<ChartOptions<'line'>['scales']>[string];

export function linearAxis(theme: Theme, title: string, format: (value: number) => string): ScaleConfig {
  return {
    type: 'linear',
    title: { display: title.length > 0, text: title, color: theme.mutedForeground },
    ticks: { color: theme.foreground, maxTicksLimit: 7, callback: (value) => format(Number(value)) },
    grid: { color: theme.grid },
    border: { color: theme.border },
  };
}

export interface TimeSeriesOptions {
  yTitle: string;
  yFormat?: (value: number) => string;
  yMin?: number;
  yMax?: number;
  legendFilter(datasetIndex: number): boolean;
  tooltipLabel(item: TooltipItem<'line'>): string;
}

export function timeSeriesOptions(theme: Theme, options: TimeSeriesOptions): ChartOptions<'line'> {
  const yFormat = options.yFormat ?? formatTick;
  return {
    animation: false,
    parsing: false,
    normalized: true,
    // spanGaps lets chart.js skip its per-point gap scan; our series have no gaps.
    spanGaps: true,
    responsive: true,
    maintainAspectRatio: false,
    indexAxis: 'x',
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hitRadius: 6, hoverRadius: 4 }, line: { borderWidth: 1.5, tension: 0, capBezierPoints: false } },
    layout: { padding: { top: 4, right: 8 } },
    plugins: {
      decimation: { enabled: true, algorithm: 'lttb' },
      legend: {
        display: true,
        position: 'bottom',
        labels: {
          // Legend entries drawn as short lines with the dataset's dash pattern, so dashed and dotted series are told apart.
          color: theme.foreground, usePointStyle: true, pointStyle: 'line', pointStyleWidth: 26, padding: 12,
          filter: (item: LegendItem) => item.datasetIndex !== undefined && options.legendFilter(item.datasetIndex),
          // chart.js lists datasets by draw order; the legend keeps the runs' and series' own order.
          sort: (a: LegendItem, b: LegendItem) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
        },
      },
      tooltip: {
        ...tooltipTheme(theme),
        usePointStyle: false,
        callbacks: {
          title: (items) => (items.length ? `step ${formatInteger(items[0].parsed.x ?? 0)}` : ''),
          label: options.tooltipLabel,
        },
      },
    },
    scales: {
      // Steps are whole numbers: no 0.2-step ticks while a run has just started.
      // The step axis ends at the run's latest step (LineChartView sets max), without a crowded extra label there.
      x: { ...linearAxis(theme, 'step', formatTick), min: 0, ticks: { color: theme.foreground, maxTicksLimit: 7, precision: 0, includeBounds: false, callback: (value) => formatTick(Number(value)) } },
      y: { ...linearAxis(theme, options.yTitle, yFormat), min: options.yMin, max: options.yMax },
    },
  };
}
