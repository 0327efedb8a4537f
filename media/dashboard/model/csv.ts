// A run's events as CSV: one row per event, a fixed set of columns, empty where an event type
// has no such field. Mask events contribute the global sparsity and ITOP.
import type { RunEvent } from '../../../server/protocol.js';

export const CSV_COLUMNS = [
  'type', 'step', 'epoch', 'time', 'loss', 'accuracy', 'lr', 'imagesPerSec', 'top1', 'top5', 'sparsity', 'itop', 'updateFraction',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

function fieldsOf(event: RunEvent): Partial<Record<Column, string | number | undefined>> {
  const common = { type: event.type, step: event.step, epoch: event.epoch, time: event.time };
  switch (event.type) {
    case 'train':
      return { ...common, loss: event.loss, accuracy: event.accuracy, lr: event.lr, imagesPerSec: event.imagesPerSec };
    case 'eval':
      return { ...common, loss: event.loss, top1: event.top1, top5: event.top5 };
    case 'mask':
      return { ...common, sparsity: event.global.sparsity, itop: event.global.itop, updateFraction: event.updateFraction };
    case 'status':
      return common;
  }
}

function cell(value: string | number | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // RFC 4180 quoting, only when needed.
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function eventsToCsv(events: readonly RunEvent[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const event of events) {
    const fields = fieldsOf(event);
    lines.push(CSV_COLUMNS.map((column) => cell(fields[column])).join(','));
  }
  return lines.join('\n') + '\n';
}
