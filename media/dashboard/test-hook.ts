// What the dashboard exposes on window.__riglDashboard for the browser tests and the frame-time
// benchmark: drawn-data counts, a promise for "all posted data is drawn", and frame timings.
import type { DatasetStats } from './charts/line-chart.js';
import type { HeatmapStats } from './heatmap/churn-heatmap.js';
import type { Theme } from './theme.js';

export interface DensityStats {
  layers: number;
  labels: string[];
  datasets: { label: string; values: (number | null)[] }[];
}

export interface DashboardTestHook {
  /** Resolves once every message received so far has been applied and drawn. */
  whenIdle(): Promise<void>;
  runIds(): string[];
  /** Per time-series chart id, its datasets' given and drawn point counts. */
  charts(): Record<string, DatasetStats[]>;
  /** The mask-update steps marked on one chart in its last draw. */
  maskUpdateMarks(chartId: string): number[];
  /** The y values of one series of one run in one chart (smoothed series included). */
  values(chartId: string, runId: string, seriesKey: string): number[];
  density(): DensityStats | undefined;
  heatmap(): HeatmapStats | undefined;
  theme(): Theme;
  /** Frames drawn, and how long the last ones took (applying events plus drawing), in ms. */
  timings(): { frames: number; frameMs: number[] };
}

declare global {
  interface Window {
    __riglDashboard?: DashboardTestHook;
  }
}
