// What `rigl-studio train` shows while it trains: a one-line progress bar on a terminal, plain
// lines (at most one every few seconds, plus every evaluation) when the output is a file or pipe.
import type { RunEvent } from '../protocol.js';
import { percent } from './format.js';

export class TrainingProgress {
  private totalSteps = 0;
  private lastPlainLine = 0;
  private lastTrain?: Extract<RunEvent, { type: 'train' }>;
  private startedAt = Date.now();
  private startStep = 0;
  private barShown = false;

  /** `stepLimit`: --max-steps, when the run will end before its planned total. */
  constructor(private readonly out: NodeJS.WritableStream, private readonly isTTY: boolean, private readonly stepLimit?: number) {}

  event(event: RunEvent): void {
    switch (event.type) {
      case 'status':
        if (event.info) {
          this.totalSteps = Math.min(event.info.totalSteps, this.stepLimit ?? Infinity);
          this.startStep = event.step;
          this.startedAt = Date.now();
          this.line(`${event.info.name}: ${event.info.model} on ${event.info.dataset}, ${event.info.method} at ${percent(event.info.sparsity)} sparsity (${event.info.distribution}), ${event.info.totalSteps} steps`);
          this.line(`backend: ${event.info.backend} — ${event.info.backendReason}`);
        } else if (event.state === 'starting') {
          this.line(`${event.state}${event.message ? `: ${event.message}` : ''}`);
        }
        break;
      case 'train':
        this.lastTrain = event;
        if (this.isTTY) this.bar();
        else if (Date.now() - this.lastPlainLine > 5000) {
          this.lastPlainLine = Date.now();
          this.line(this.describe(event.step));
        }
        break;
      case 'eval':
        this.line(`epoch ${event.epoch.toFixed(2)}  step ${event.step}  eval loss ${event.loss.toFixed(4)}  top-1 ${percent(event.top1, 2)}${event.top5 !== undefined ? `  top-5 ${percent(event.top5, 2)}` : ''}`);
        break;
      case 'mask':
        break;
    }
  }

  finish(): void {
    if (this.barShown) this.out.write('\n');
    this.barShown = false;
  }

  private describe(step: number): string {
    const t = this.lastTrain;
    const rate = (step - this.startStep) / Math.max(1e-3, (Date.now() - this.startedAt) / 1000);
    const eta = rate > 0 ? (this.totalSteps - step) / rate : 0;
    return `step ${step}/${this.totalSteps}  loss ${t ? t.loss.toFixed(4) : '—'}  acc ${t ? percent(t.accuracy) : '—'}  lr ${t ? t.lr.toPrecision(3) : '—'}  ${t ? Math.round(t.imagesPerSec) : 0} img/s  ETA ${formatDuration(eta)}`;
  }

  private bar(): void {
    const step = this.lastTrain?.step ?? 0;
    const width = 24;
    const filled = this.totalSteps ? Math.round((width * step) / this.totalSteps) : 0;
    this.out.write(`\r[${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${this.describe(step)}\x1b[K`);
    this.barShown = true;
  }

  private line(text: string): void {
    if (this.barShown) this.out.write('\r\x1b[K');
    this.out.write(text + '\n');
    if (this.barShown && this.lastTrain) this.bar();
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}
