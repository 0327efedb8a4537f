// The dashboard's inputs: the smoothing slider (toolbar), the run whose layers are shown (toolbar,
// compare mode only) and the ITOP layer picker (in the ITOP panel). Native controls: keyboard-usable as is.
import { MAX_SMOOTHING } from '../messages.js';
import type { RunModel } from '../model/run-model.js';
import { h } from './dom.js';

export function smoothingControl(initial: number, onChange: (weight: number) => void): HTMLElement {
  const input = h('input', {
    id: 'smoothing', type: 'range', min: 0, max: MAX_SMOOTHING, step: 0.001, value: initial,
    'aria-label': 'Smoothing of the training curves: loss, accuracy and throughput (exponential moving average weight)',
  });
  const output = h('output', { for: 'smoothing', id: 'smoothing-value' }, initial.toFixed(3));
  const show = () => {
    const weight = Number(input.value);
    output.textContent = weight.toFixed(3);
    input.setAttribute('aria-valuetext', weight.toFixed(3));
    return weight;
  };
  show();
  input.addEventListener('input', () => onChange(show()));
  return h('div', { class: 'control' }, h('label', { for: 'smoothing' }, 'Smoothing'), input, output);
}

export function focusRunControl(runs: readonly RunModel[], selected: RunModel, onChange: (runId: string) => void): HTMLElement {
  const select = h('select', { id: 'focus-run', 'aria-label': 'Run whose per-layer density and churn are shown' },
    ...runs.map((run) => h('option', { value: run.runId, selected: run === selected }, run.displayName)));
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'control' }, h('label', { for: 'focus-run' }, 'Layers of'), select);
}

export class LayerPicker {
  readonly element: HTMLSelectElement;
  private names: readonly string[] = [];

  constructor(onChange: (layer: string) => void) {
    this.element = h('select', { id: 'itop-layer', 'aria-label': 'Layer whose ITOP curve is shown' });
    this.element.addEventListener('change', () => onChange(this.element.value));
  }

  /** Refills the options when the layer list changed; keeps `selected` selected. */
  update(names: readonly string[], selected: string | undefined): void {
    if (names.length !== this.names.length || names.some((name, i) => name !== this.names[i])) {
      this.names = [...names];
      this.element.replaceChildren(...names.map((name) => h('option', { value: name }, name)));
    }
    if (selected !== undefined && this.element.value !== selected) this.element.value = selected;
    this.element.disabled = names.length === 0;
  }
}
