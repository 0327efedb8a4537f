// The run header: per shown run its name, state, backend (the reason on hover), progress, epoch,
// speed, ETA, the published top-1 it reproduces against its best so far, and a CSV export
// button. Built once per layout, its text updated on every frame.
import { formatDuration, formatInteger, formatPercent } from '../format.js';
import type { RunModel } from '../model/run-model.js';
import { h } from './dom.js';

interface Card {
  run: RunModel;
  name: HTMLElement;
  state: HTMLElement;
  setup: HTMLElement;
  backend: HTMLElement;
  step: HTMLElement;
  progress: HTMLProgressElement;
  epoch: HTMLElement;
  speed: HTMLElement;
  eta: HTMLElement;
  reference: HTMLElement;
}

function stat(label: string, value: HTMLElement): HTMLElement {
  return h('div', { class: 'stat' }, h('dt', {}, label), h('dd', {}, value));
}

export class RunHeader {
  private readonly cards: Card[] = [];

  constructor(container: HTMLElement, runs: readonly RunModel[], runColors: string[], onExportCsv: (run: RunModel) => void) {
    const compare = runs.length > 1;
    runs.forEach((run, index) => {
      const nameId = `run-name-${index}`;
      const card: Card = {
        run,
        name: h('h2', { id: nameId, class: 'run-name' }),
        state: h('span', { class: 'state-badge' }),
        setup: h('span', { class: 'run-setup' }),
        backend: h('span', { class: 'backend' }),
        step: h('span'),
        progress: h('progress', { max: 1, value: 0, 'aria-label': 'training progress' }),
        epoch: h('span'),
        speed: h('span'),
        eta: h('span'),
        reference: h('span', { class: 'reference' }),
      };
      const csvButton = h('button', { type: 'button', class: 'csv-button', 'aria-label': `Export the events of ${run.displayName} as CSV` }, 'Export CSV');
      csvButton.addEventListener('click', () => onExportCsv(run));
      const swatch = h('span', { class: 'run-swatch', 'aria-hidden': 'true' });
      // Colours go through the CSSOM: style attributes are blocked by the CSP.
      swatch.style.backgroundColor = runColors[index % runColors.length];
      const stepValue = h('span', { class: 'step-value' }, card.step, card.progress);
      container.append(h('article', { class: 'run-card', 'aria-labelledby': nameId, 'data-run-id': run.runId },
        h('div', { class: 'run-title' }, compare && swatch, card.name, card.state, card.setup, csvButton),
        h('dl', { class: 'run-stats' },
          stat('Backend', card.backend), stat('Step', stepValue), stat('Epoch', card.epoch), stat('Images/s', card.speed), stat('Reference top-1', card.reference), stat('ETA', card.eta))));
      this.cards.push(card);
    });
  }

  update(): void {
    for (const card of this.cards) {
      const { run } = card;
      const info = run.info;
      card.name.textContent = run.displayName;
      card.name.title = run.runId;
      const state = run.state ?? 'unknown';
      card.state.textContent = state;
      card.state.className = `state-badge state-${state}`;
      card.state.title = run.stateMessage ?? '';
      card.setup.textContent = info
        ? `${info.model} · ${info.dataset} · ${info.method} ${info.distribution} · ${formatPercent(info.sparsity, 0)} sparse`
        : '';
      card.backend.textContent = info?.backend ?? '—';
      card.backend.title = info?.backendReason ?? '';
      const total = run.totalSteps;
      card.step.textContent = total ? `${formatInteger(run.step)} / ${formatInteger(total)}` : formatInteger(run.step);
      card.progress.max = total ?? 1;
      card.progress.value = total ? Math.min(run.step, total) : 0;
      const epochs = info && info.stepsPerEpoch > 0 ? info.totalSteps / info.stepsPerEpoch : undefined;
      card.epoch.textContent = epochs ? `${run.epoch.toFixed(2)} / ${+epochs.toFixed(2)}` : run.epoch.toFixed(2);
      card.speed.textContent = run.imagesPerSec !== undefined ? formatInteger(run.imagesPerSec) : '—';
      card.eta.textContent = this.eta(run);
      card.reference.textContent = referenceText(run);
      card.reference.title = info?.reference?.source ?? '';
    }
  }

  private eta(run: RunModel): string {
    if (run.state === 'completed') return 'done';
    if (run.state !== 'running' || !run.totalSteps) return '—';
    const seconds = run.rate.etaSeconds(run.step, run.totalSteps);
    return seconds === undefined ? 'measuring…' : formatDuration(seconds);
  }
}

/** "74.6%", and once evaluated "74.6% · best 73.1% (−1.5 pts)"; "—" without a reference. */
export function referenceText(run: RunModel): string {
  const reference = run.info?.reference;
  if (!reference) return '—';
  const published = formatPercent(reference.top1, 1);
  if (run.bestTop1 === undefined) return published;
  const points = (run.bestTop1 - reference.top1) * 100;
  return `${published} · best ${formatPercent(run.bestTop1, 1)} (${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pts)`;
}
