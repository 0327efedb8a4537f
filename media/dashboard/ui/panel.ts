// A chart panel: a titled section with its tools (an export button, optional pickers) and a sized
// box holding the canvas, optionally inside a scrolling viewport for tall charts.
import type { ChartId } from '../messages.js';
import { h } from './dom.js';

export interface PanelOptions {
  id: ChartId;
  title: string;
  description: string;
  /** Spans the whole grid row. */
  wide?: boolean;
  /** The box grows with its content and the panel scrolls it. */
  scroll?: boolean;
  tools?: HTMLElement[];
  onExport(): void;
}

export interface Panel {
  section: HTMLElement;
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  /** Below the canvas box, for legends and notes. */
  footer: HTMLElement;
}

export function createPanel(options: PanelOptions): Panel {
  const titleId = `${options.id}-title`;
  const exportButton = h('button', {
    type: 'button', class: 'export-button', 'aria-label': `Save the ${options.title} chart as PNG`, title: 'Save as PNG',
  }, 'PNG');
  exportButton.addEventListener('click', options.onExport);
  const canvas = h('canvas', { id: `chart-${options.id}`, role: 'img', 'aria-label': options.description });
  const box = h('div', { class: 'chart-box' }, canvas);
  const viewport = options.scroll
    ? h('div', { class: 'chart-scroll', tabindex: 0, role: 'region', 'aria-label': `${options.title} (scrollable)` }, box)
    : box;
  const footer = h('div', { class: 'panel-footer' });
  const section = h('section', { class: `panel${options.wide ? ' wide' : ''}`, 'aria-labelledby': titleId, 'data-chart': options.id },
    h('header', { class: 'panel-header' },
      h('h2', { id: titleId }, options.title),
      h('div', { class: 'panel-tools' }, ...(options.tools ?? []), exportButton)),
    viewport,
    footer);
  return { section, box, canvas, footer };
}
