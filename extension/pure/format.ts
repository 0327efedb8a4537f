// Short human-readable texts for runs: the runs view's description and tooltip lines and the
// status bar's text. Pure string building, so tests check the exact wording.
import { formatPercent } from '../../media/dashboard/format.js';
import type { RunRow } from './run-table.js';

/** 80 → "1m20s", 3725 → "1h02m", 9 → "9s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  return loss >= 100 ? loss.toFixed(0) : loss >= 1 ? loss.toFixed(2) : loss.toPrecision(2);
}

export function formatSteps(row: Pick<RunRow, 'step' | 'totalSteps'>): string {
  return row.totalSteps > 0 ? `step ${row.step}/${row.totalSteps}` : `step ${row.step}`;
}

/** "best 97.9% · step 3000/3000"; live runs lead with their state ("running · step 1200/3000"). */
export function describeRun(row: RunRow): string {
  const parts: string[] = [];
  if (row.state !== 'completed') parts.push(row.state);
  if (row.bestTop1 !== undefined) parts.push(`best ${formatPercent(row.bestTop1)}`);
  parts.push(formatSteps(row));
  return parts.join(' · ');
}

/** Markdown lines for the runs view's tooltip. */
export function runTooltipLines(row: RunRow): string[] {
  const lines = [`**${escapeMarkdown(row.name)}** — ${row.state}`, '', `- run: \`${row.runId}\``, `- ${formatSteps(row)}`];
  if (row.bestTop1 !== undefined) lines.push(`- best top-1: ${formatPercent(row.bestTop1)}`);
  if (row.lastLoss !== undefined) lines.push(`- last training loss: ${formatLoss(row.lastLoss)}`);
  if (row.message) lines.push(`- ${escapeMarkdown(row.message)}`);
  if (row.updatedAt > 0) lines.push(`- updated: ${new Date(row.updatedAt).toLocaleString()}`);
  lines.push(`- folder: \`${row.dir}\``);
  return lines;
}

/** "RigL 1200/3000 · loss 0.23 · ETA 1m20s" (the caller adds the codicon). */
export function statusBarText(row: RunRow, etaSeconds: number | undefined): string {
  if (row.state === 'queued') return 'RigL queued';
  if (row.state === 'starting') return 'RigL starting';
  const parts = [row.totalSteps > 0 ? `RigL ${row.step}/${row.totalSteps}` : `RigL ${row.step}`];
  if (row.lastLoss !== undefined) parts.push(`loss ${formatLoss(row.lastLoss)}`);
  if (row.state === 'stopping') parts.push('stopping');
  else if (etaSeconds !== undefined) parts.push(`ETA ${formatDuration(etaSeconds)}`);
  return parts.join(' · ');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}
