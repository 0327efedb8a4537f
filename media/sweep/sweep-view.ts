// The sweep view: the results table (sortable, live, rows selectable for compare mode) and the
// plot of top-1 against sparsity per method with every seed's point; CSV and PNG export.
import type { SweepResultsPayload, SweepRow } from '../../server/protocol.js';
import { resultsCsv, resultsTable } from '../../server/sweeps/table.js';
import { applyThemeDefaults, Chart } from '../dashboard/charts/register.js';
import type { ChartDataset } from '../dashboard/charts/chartjs.js';
import { withAlpha } from '../dashboard/color.js';
import { canvasToPng } from '../dashboard/export.js';
import { observeTheme, readTheme, type Theme } from '../dashboard/theme.js';
import { h } from '../dashboard/ui/dom.js';
import type { SweepWebviewMessage } from './messages.js';
import { plotSeries, type PlotSeries } from './plot-data.js';
import { sortRows, type MetricColumn, type SortKey } from './sort.js';

/** The table's result columns after the grid's, in resultsTable's order. */
const METRIC_COLUMNS: MetricColumn[] = ['runs', 'finalTop1', 'bestTop1', 'sparsity', 'inferenceFlopsFactor', 'trainFlopsFactor', 'reference', 'difference'];

export interface SweepTestHook {
  header(): string[];
  /** The table's body as drawn, in display order. */
  rows(): string[][];
  /** What the plot draws: per series its mean points and seed points. */
  plot(): { label: string; means: { x: number; y: number }[]; seeds: { x: number; y: number }[] }[];
  selected(): number[];
}

declare global {
  interface Window {
    __riglSweep?: SweepTestHook;
  }
}

export class SweepView {
  private results?: SweepResultsPayload;
  private sortKey?: SortKey;
  private descending = false;
  private readonly selected = new Set<number>();
  private theme: Theme = readTheme();
  private chart?: Chart;
  private readonly title = h('h1', {}, 'Sweep');
  private readonly summary = h('p', { class: 'sweep-summary' });
  private readonly table = h('table', { class: 'sweep-table' });
  private readonly canvas = h('canvas', { role: 'img', 'aria-label': 'Top-1 accuracy against sparsity per method' });
  private readonly compareButton = h('button', { type: 'button', disabled: true }, 'Compare selected');

  constructor(root: HTMLElement, private readonly post: (message: SweepWebviewMessage) => void) {
    const csvButton = h('button', { type: 'button' }, 'Export CSV');
    const pngButton = h('button', { type: 'button' }, 'Export PNG');
    csvButton.addEventListener('click', () => this.results && this.post({ type: 'exportCsv', csv: resultsCsv(this.results) }));
    pngButton.addEventListener('click', () => this.post({ type: 'exportPng', dataUrl: canvasToPng(this.canvas, this.theme.background) }));
    this.compareButton.addEventListener('click', () => this.compare());
    root.append(
      this.title, this.summary,
      h('div', { class: 'sweep-actions' }, this.compareButton, csvButton, pngButton),
      h('div', { class: 'sweep-table-scroll' }, this.table),
      h('section', { class: 'sweep-plot' }, h('h2', {}, 'Final top-1 against sparsity'), h('div', { class: 'sweep-plot-box' }, this.canvas)),
    );
    observeTheme((theme) => {
      this.theme = theme;
      this.chart?.destroy();
      this.chart = undefined;
      this.drawPlot();
    });
  }

  show(results: SweepResultsPayload): void {
    this.results = results;
    for (const index of [...this.selected]) if (!results.rows.some((row) => row.pointIndex === index)) this.selected.delete(index);
    this.title.textContent = `Sweep ${results.name}`;
    const completed = results.runs.filter((run) => run.state === 'completed').length;
    const live = results.runs.filter((run) => run.state === 'running' || run.state === 'starting').length;
    this.summary.textContent = `${results.runs.length} runs (${results.rows.length} grid points × ${results.seeds.length} seeds): ${completed} completed${live ? `, ${live} training` : ''}${results.slurmJobId ? ` · SLURM job ${results.slurmJobId}` : ''}`;
    this.drawTable();
    this.drawPlot();
  }

  testHook(): SweepTestHook {
    return {
      header: () => Array.from(this.table.querySelectorAll('thead th')).map((cell) => cell.getAttribute('data-label') ?? ''),
      rows: () => Array.from(this.table.querySelectorAll('tbody tr')).map((row) => Array.from(row.querySelectorAll('td')).slice(1).map((cell) => cell.textContent ?? '')),
      plot: () => {
        const datasets = (this.chart?.data.datasets ?? []) as ChartDataset<'line', { x: number; y: number }[]>[];
        const series = new Map<string, { label: string; means: { x: number; y: number }[]; seeds: { x: number; y: number }[] }>();
        for (const dataset of datasets) {
          const [label, kind] = String(dataset.label).split(' · ');
          const entry = series.get(label) ?? { label, means: [], seeds: [] };
          series.set(label, entry);
          entry[kind === 'seeds' ? 'seeds' : 'means'] = dataset.data.map((p) => ({ x: p.x, y: p.y }));
        }
        return [...series.values()];
      },
      selected: () => [...this.selected].sort((a, b) => a - b),
    };
  }

  private drawTable(): void {
    const results = this.results!;
    const { header, rows: cells } = resultsTable(results);
    const rows = sortRows(results.rows, this.sortKey, this.descending);
    const cellsByPoint = new Map(results.rows.map((row, i) => [row.pointIndex, cells[i]]));
    const keys: SortKey[] = [...results.axes.map((axis) => ({ kind: 'axis' as const, key: axis.key })), ...METRIC_COLUMNS.slice(0, header.length - results.axes.length).map((metric) => ({ kind: 'metric' as const, metric }))];
    const headRow = h('tr', {}, h('th', { 'data-label': '' }, ''));
    header.forEach((label, i) => {
      const active = this.sortKey && JSON.stringify(this.sortKey) === JSON.stringify(keys[i]);
      const button = h('button', { type: 'button', class: 'sort', title: `Sort by ${label}`, 'aria-label': `Sort by ${label}` }, label, active ? (this.descending ? ' ▼' : ' ▲') : '');
      button.addEventListener('click', () => {
        this.descending = active ? !this.descending : false;
        this.sortKey = keys[i];
        this.drawTable();
      });
      headRow.append(h('th', { 'data-label': label, 'aria-sort': active ? (this.descending ? 'descending' : 'ascending') : 'none', class: i < results.axes.length ? '' : 'number' }, button));
    });
    const body = h('tbody');
    for (const row of rows) body.append(this.tableRow(row, cellsByPoint.get(row.pointIndex) ?? [], results.axes.length));
    this.table.replaceChildren(h('thead', {}, headRow), body);
    this.compareButton.disabled = this.selected.size === 0;
  }

  private tableRow(row: SweepRow, cells: string[], axes: number): HTMLTableRowElement {
    const box = h('input', { type: 'checkbox', 'aria-label': `Select ${row.label}`, checked: this.selected.has(row.pointIndex) });
    box.addEventListener('change', () => {
      if (box.checked) this.selected.add(row.pointIndex);
      else this.selected.delete(row.pointIndex);
      this.compareButton.disabled = this.selected.size === 0;
    });
    const tr = h('tr', { 'data-point': row.pointIndex, class: row.completed < row.runs ? 'incomplete' : '' }, h('td', {}, box));
    cells.forEach((cell, i) => tr.append(h('td', { class: i < axes ? '' : 'number' }, cell)));
    return tr;
  }

  private compare(): void {
    const results = this.results;
    if (!results) return;
    const runIds = results.runs.filter((run) => this.selected.has(run.pointIndex)).map((run) => `${results.sweepId}/${run.runId}`);
    if (runIds.length > 0) this.post({ type: 'compare', runIds });
  }

  private drawPlot(): void {
    if (!this.results) return;
    applyThemeDefaults(this.theme);
    const series = plotSeries(this.results);
    const datasets = series.flatMap((s, i) => this.datasets(s, this.theme.runColors[i % this.theme.runColors.length]));
    if (this.chart) {
      this.chart.data.datasets = datasets;
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'sparsity' }, ticks: { callback: (value: number | string) => `${Math.round(Number(value) * 1000) / 10}%` } },
          y: { type: 'linear', title: { display: true, text: 'final test top-1' }, ticks: { callback: (value: number | string) => `${Math.round(Number(value) * 1000) / 10}%` } },
        },
        plugins: { legend: { labels: { filter: (item: { text: string }) => !item.text.endsWith(' · seeds') } } },
      },
    });
  }

  private datasets(series: PlotSeries, color: string): ChartDataset<'line', { x: number; y: number }[]>[] {
    return [
      { label: series.label, data: series.means, borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 2 },
      { label: `${series.label} · seeds`, data: series.seeds, borderColor: withAlpha(color, 0.8), backgroundColor: withAlpha(color, 0.5), showLine: false, pointRadius: 4, pointStyle: 'crossRot', borderWidth: 1 },
    ];
  }
}
