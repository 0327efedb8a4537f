// The results table as text: cells for the terminal, CSV and Markdown. Pure (no I/O), so the
// CLI and the dashboard's sweep view format a sweep's rows the same way.
import { formatValue } from './grid.js';
import type { Stat, SweepResults, SweepRow } from './results.js';

export interface TextTable {
  header: string[];
  rows: string[][];
}

function percent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}%`;
}

/** `97.12 ± 0.08%`, or `97.12%` for one seed, or `—`. */
export function statText(value: Stat | undefined): string {
  if (!value) return '—';
  return value.n > 1 ? `${(value.mean * 100).toFixed(2)} ± ${(value.std * 100).toFixed(2)}%` : percent(value.mean);
}

function signedPoints(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(2)}`;
}

export function resultsTable(results: Pick<SweepResults, 'axes' | 'rows'>): TextTable {
  const hasReference = results.rows.some((row) => row.reference);
  const header = [
    ...results.axes.map((axis) => axis.key),
    'runs', 'final top-1', 'best top-1', 'sparsity', 'inference FLOPs', 'training FLOPs',
    ...(hasReference ? ['reference', 'Δ final'] : []),
  ];
  const rows = results.rows.map((row: SweepRow) => [
    ...results.axes.map((axis) => formatValue(row.values[axis.key])),
    `${row.completed}/${row.runs}`,
    statText(row.finalTop1),
    statText(row.bestTop1),
    row.sparsity ? percent(row.sparsity.mean) : '—',
    row.inferenceFlopsFactor !== undefined ? `${row.inferenceFlopsFactor.toFixed(3)}×` : '—',
    row.trainFlopsFactor !== undefined ? `${row.trainFlopsFactor.toFixed(3)}×` : '—',
    ...(hasReference ? [row.reference ? percent(row.reference.top1) : '—', row.difference !== undefined ? signedPoints(row.difference) : '—'] : []),
  ]);
  return { header, rows };
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with raw numbers (fractions, not percent text), one line per grid point. */
export function resultsCsv(results: Pick<SweepResults, 'axes' | 'rows'>): string {
  const header = [
    ...results.axes.map((axis) => axis.key), 'runs', 'completed',
    'final_top1_mean', 'final_top1_std', 'best_top1_mean', 'best_top1_std', 'sparsity',
    'inference_flops_factor', 'training_flops_factor', 'reference_top1', 'difference',
  ];
  const number = (value: number | undefined) => (value === undefined ? '' : String(Number(value.toPrecision(6))));
  const lines = results.rows.map((row) => [
    ...results.axes.map((axis) => formatValue(row.values[axis.key])), String(row.runs), String(row.completed),
    number(row.finalTop1?.mean), number(row.finalTop1?.std), number(row.bestTop1?.mean), number(row.bestTop1?.std), number(row.sparsity?.mean),
    number(row.inferenceFlopsFactor), number(row.trainFlopsFactor), number(row.reference?.top1), number(row.difference),
  ]);
  return [header, ...lines].map((cells) => cells.map(csvCell).join(',')).join('\n') + '\n';
}

export function resultsMarkdown(results: Pick<SweepResults, 'axes' | 'rows'>): string {
  const { header, rows } = resultsTable(results);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const align = header.map((_, i) => (i < results.axes.length ? '---' : '--:'));
  return [header, align, ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n') + '\n';
}
