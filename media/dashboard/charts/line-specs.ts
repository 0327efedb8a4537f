// What each time-series chart draws: its series, where their points come from in a RunModel,
// how each is styled, and which of them appear in compare mode. Pure data; line-chart.ts draws it.
import { formatInteger, formatPercent, formatSi } from '../format.js';
import type { ChartId } from '../messages.js';
import type { EventKind, RunModel } from '../model/run-model.js';
import type { Point } from '../model/series.js';
import type { Smoothers } from '../model/smoothers.js';
import type { PaletteKey } from '../theme.js';

/** raw: faint thin line under its smoothed twin; main: solid; dashed: a secondary quantity; marker: few points, dotted. */
export type SeriesRole = 'raw' | 'main' | 'dashed' | 'marker';

export interface SeriesContext {
  smoothers: Smoothers;
  selectedLayer?: string;
}

export interface LineSeriesSpec {
  key: string;
  label(context: SeriesContext): string;
  color: PaletteKey | 'muted';
  role: SeriesRole;
  /** The array to draw (kept by reference; undefined: nothing to draw for this run). */
  points(run: RunModel, context: SeriesContext): Point[] | undefined;
  /** In compare mode: left out (false), or shown with another role. */
  compare?: false | { role?: SeriesRole };
  /** Left out of the legend (a raw curve whose smoothed twin is listed). */
  hideInLegend?: boolean;
}

export interface LineChartSpec {
  id: ChartId;
  title: string;
  /** For screen readers: what the chart shows. */
  description: string;
  yTitle: string;
  yFormat?: (value: number) => string;
  yMin?: number;
  yMax?: number;
  /** Tooltip value format (default: 5 significant digits). */
  valueFormat?: (value: number) => string;
  /** Shown over the empty plot until the first point arrives. */
  emptyText: string;
  /** Event types whose arrival changes this chart. */
  dependsOn: EventKind[];
  usesSmoothing?: boolean;
  usesSelectedLayer?: boolean;
  /** Draw the runs' planned mask-update steps as vertical marks. */
  marksMaskUpdates?: boolean;
  series: LineSeriesSpec[];
}

const fixed = (text: string) => () => text;

export const LINE_CHARTS: LineChartSpec[] = [
  {
    id: 'loss', emptyText: 'Waiting for the first training metrics…', title: 'Loss', yTitle: 'loss', dependsOn: ['train', 'eval'], usesSmoothing: true, marksMaskUpdates: true,
    description: 'Training loss, raw and smoothed, and evaluation loss, by step; dashed vertical lines mark the mask updates.',
    series: [
      { key: 'trainRaw', label: fixed('train (raw)'), color: 'blue', role: 'raw', points: (run) => run.trainLoss.points, hideInLegend: true },
      { key: 'trainSmoothed', label: fixed('train'), color: 'blue', role: 'main', points: (run, c) => c.smoothers.pointsOf(run.trainLoss) },
      { key: 'eval', label: fixed('eval'), color: 'orange', role: 'marker', points: (run) => run.evalLoss.points },
    ],
  },
  {
    id: 'accuracy', emptyText: 'Waiting for the first training metrics…', title: 'Accuracy', yTitle: 'accuracy', yFormat: (v) => formatPercent(v, 0), valueFormat: (v) => formatPercent(v, 2), yMin: 0, yMax: 1,
    dependsOn: ['train', 'eval'], usesSmoothing: true, marksMaskUpdates: true,
    description: 'Training top-1 accuracy, raw and smoothed, and evaluation top-1 and top-5 accuracy, by step.',
    series: [
      { key: 'trainRaw', label: fixed('train top-1 (raw)'), color: 'blue', role: 'raw', points: (run) => run.trainAccuracy.points, hideInLegend: true, compare: false },
      { key: 'trainSmoothed', label: fixed('train top-1'), color: 'blue', role: 'main', points: (run, c) => c.smoothers.pointsOf(run.trainAccuracy), compare: { role: 'dashed' } },
      { key: 'evalTop1', label: fixed('eval top-1'), color: 'orange', role: 'marker', points: (run) => run.evalTop1.points },
      { key: 'evalTop5', label: fixed('eval top-5'), color: 'purple', role: 'marker', points: (run) => run.evalTop5.points, compare: false },
    ],
  },
  {
    id: 'lr', emptyText: 'Waiting for the first training metrics…', title: 'Learning rate', yTitle: 'learning rate', dependsOn: ['train'],
    description: 'Learning rate by step.',
    series: [{ key: 'lr', label: fixed('learning rate'), color: 'green', role: 'main', points: (run) => run.lr.points }],
  },
  {
    id: 'throughput', emptyText: 'Waiting for the first training metrics…', title: 'Throughput', yTitle: 'images/s', yMin: 0, valueFormat: (v) => formatInteger(v), dependsOn: ['train'],
    usesSmoothing: true,
    description: 'Training images per second by step, raw and smoothed.',
    series: [
      { key: 'raw', label: fixed('images/s (raw)'), color: 'green', role: 'raw', points: (run) => run.throughput.points, hideInLegend: true, compare: false },
      { key: 'smoothed', label: fixed('images/s'), color: 'green', role: 'main', points: (run, c) => c.smoothers.pointsOf(run.throughput) },
    ],
  },
  {
    id: 'flops', emptyText: 'Waiting for the first training metrics…', title: 'Training FLOPs', yTitle: 'FLOPs so far', yFormat: (v) => formatSi(v), valueFormat: (v) => formatSi(v, 4), yMin: 0, dependsOn: ['train'],
    description: 'Cumulative training FLOPs of the sparse run and of dense training to the same step.',
    series: [
      { key: 'sparse', label: fixed('sparse training'), color: 'blue', role: 'main', points: (run) => run.trainFlops.points },
      { key: 'dense', label: fixed('dense equivalent'), color: 'muted', role: 'dashed', points: (run) => run.denseTrainFlops.points },
    ],
  },
  {
    id: 'updateFraction', emptyText: 'No mask updates yet', title: 'Update fraction f(t)', yTitle: 'f(t)', yMin: 0, dependsOn: ['mask'],
    description: 'The fraction of active weights dropped and regrown at each mask update.',
    series: [{ key: 'f', label: fixed('f(t)'), color: 'purple', role: 'main', points: (run) => run.updateFraction.points }],
  },
  {
    id: 'maskDynamics', emptyText: 'No mask updates yet', title: 'Mask dynamics', yTitle: 'weights per update', yFormat: (v) => formatSi(v), valueFormat: formatInteger, yMin: 0, dependsOn: ['mask'],
    description: 'Weights dropped, grown, and grown back at each mask update, summed over layers.',
    series: [
      { key: 'dropped', label: fixed('dropped'), color: 'red', role: 'main', points: (run) => run.dropped.points, compare: false },
      { key: 'grown', label: fixed('grown'), color: 'green', role: 'dashed', points: (run) => run.grown.points, compare: { role: 'main' } },
      { key: 'grownBack', label: fixed('grown back'), color: 'yellow', role: 'main', points: (run) => run.grownBack.points, compare: { role: 'dashed' } },
    ],
  },
  {
    id: 'itop', emptyText: 'No mask updates yet', title: 'In-time over-parameterization (ITOP)', yTitle: 'ever active', yFormat: (v) => formatPercent(v, 0), valueFormat: (v) => formatPercent(v, 2), yMin: 0,
    dependsOn: ['mask'], usesSelectedLayer: true,
    description: 'Fraction of weights ever active since the start, globally and for the selected layer.',
    series: [
      { key: 'global', label: fixed('global'), color: 'blue', role: 'main', points: (run) => run.globalItop.points },
      {
        key: 'layer', label: (c) => c.selectedLayer ?? 'layer', color: 'orange', role: 'dashed',
        points: (run, c) => (c.selectedLayer ? run.layerItopSeries(c.selectedLayer)?.points : undefined),
      },
    ],
  },
];

/** How a value reads in a tooltip. */
export function formatValue(spec: LineChartSpec, value: number): string {
  return spec.valueFormat ? spec.valueFormat(value) : `${+value.toPrecision(5)}`;
}
