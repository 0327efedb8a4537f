// The layer × mask-update churn heatmap (chart.js has none): sizes the canvas to the layers, keeps
// the colour range of the topology change, and shows a cell's numbers (churn = grown ÷ active
// among them) on hover or under the arrow-key cursor.
import type { LayerMaskStats } from '../../../server/protocol.js';
import { formatInteger, formatPercent } from '../format.js';
import type { RunModel } from '../model/run-model.js';
import type { Theme } from '../theme.js';
import { paintLegend } from './color-scale.js';
import { topologyChange } from './topology-change.js';
import { BOTTOM, type Cell, type HeatmapLayout, LABEL_GAP, labelFont, paintHeatmap, RIGHT, ROW_HEIGHT, TOP } from './paint.js';

export interface HeatmapStats {
  rows: number;
  columns: number;
  /** rows × columns: one cell per layer and mask update. */
  cells: number;
  /** Columns actually painted (fewer than `columns` when updates outnumber pixels). */
  paintedColumns: number;
  /** The top of the colour scale: the largest (grown − grown back) ÷ active. */
  maxChange: number;
  /** What the latest update's cells are coloured by, one per layer (null: not reported). */
  latestChange: (number | null)[];
}

export interface HeatmapElements {
  /** Positioned container the canvas fills; the tooltip is placed inside it. */
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  tooltip: HTMLElement;
  legendCanvas: HTMLCanvasElement;
  legendMax: HTMLElement;
}

export class ChurnHeatmap {
  private run?: RunModel;
  private layout?: HeatmapLayout;
  private cursor?: Cell;
  private maxChange = 0;
  private paintedColumns = 0;
  private labelWidth = 0;
  private labelWidthFor = -1;
  private readonly resizeObserver: ResizeObserver;
  private lastWidth = 0;
  private readonly detach: () => void;

  constructor(
    private readonly elements: HeatmapElements,
    private readonly theme: Theme,
    /** Called with a layer's name when its row is clicked or Enter is pressed on it. */
    private readonly onSelectLayer: (layer: string) => void,
  ) {
    const { canvas, box } = elements;
    paintLegend(elements.legendCanvas);
    const onMove = (event: MouseEvent) => this.pointAt(event.offsetX, event.offsetY);
    const onClick = (event: MouseEvent) => {
      const cell = this.cellAt(event.offsetX, event.offsetY);
      const name = cell && this.run?.layerNames[cell.row];
      if (name) this.onSelectLayer(name);
    };
    const onLeave = () => {
      this.cursor = undefined;
      this.hideTooltip();
      this.draw();
    };
    const onKey = (event: KeyboardEvent) => this.onKey(event);
    const onBlur = () => onLeave();
    // Keyboard users land on a cell at once: the first layer at the latest update.
    const onFocus = () => {
      if (this.cursor || !this.layout || this.layout.columns === 0) return;
      this.cursor = { row: 0, column: this.layout.columns - 1 };
      this.draw();
      this.showTooltip(this.cursor);
    };
    canvas.addEventListener('mousemove', onMove);
    canvas.addEventListener('click', onClick);
    canvas.addEventListener('mouseleave', onLeave);
    canvas.addEventListener('keydown', onKey);
    canvas.addEventListener('blur', onBlur);
    canvas.addEventListener('focus', onFocus);
    this.detach = () => {
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('click', onClick);
      canvas.removeEventListener('mouseleave', onLeave);
      canvas.removeEventListener('keydown', onKey);
      canvas.removeEventListener('blur', onBlur);
      canvas.removeEventListener('focus', onFocus);
    };
    this.resizeObserver = new ResizeObserver(() => {
      if (box.clientWidth !== this.lastWidth) requestAnimationFrame(() => this.refresh());
    });
    this.resizeObserver.observe(box);
  }

  setRun(run: RunModel | undefined): void {
    this.run = run;
    this.cursor = undefined;
    this.labelWidthFor = -1;
    this.hideTooltip();
  }

  /** Recomputes the layout and colour range from the run and repaints. */
  refresh(): void {
    const run = this.run;
    const rows = run?.layerNames.length ?? 0;
    const columns = run?.maskColumns.length ?? 0;
    let max = 0;
    for (const column of run?.maskColumns ?? []) {
      for (const stats of column.stats) if (stats && topologyChange(stats) > max) max = topologyChange(stats);
    }
    this.maxChange = max;
    this.elements.legendMax.textContent = formatPercent(max, max > 0 && max < 0.01 ? 2 : 1);
    this.layout = this.computeLayout(rows, columns);
    this.elements.canvas.setAttribute(
      'aria-label',
      `Topology-change heatmap of ${run?.displayName ?? 'no run'}: ${rows} layers by ${columns} mask updates, largest change ${formatPercent(max)} of a layer's active weights. Arrow keys move between cells; Enter shows the layer's ITOP.`,
    );
    this.draw();
  }

  stats(): HeatmapStats {
    const rows = this.run?.layerNames.length ?? 0;
    const columns = this.run?.maskColumns.length ?? 0;
    const latest = this.run?.maskColumns.at(-1);
    const latestChange = latest ? latest.stats.map((stats) => (stats ? topologyChange(stats) : null)) : [];
    return { rows, columns, cells: rows * columns, paintedColumns: this.paintedColumns, maxChange: this.maxChange, latestChange };
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.detach();
  }

  private computeLayout(rows: number, columns: number): HeatmapLayout {
    const { box, canvas } = this.elements;
    const context = canvas.getContext('2d');
    if (context && this.labelWidthFor !== rows) {
      context.font = labelFont(this.theme);
      this.labelWidth = Math.ceil(Math.max(40, ...(this.run?.layerNames ?? []).map((name) => context.measureText(name).width)));
      this.labelWidthFor = rows;
    }
    const width = Math.max(200, box.clientWidth);
    this.lastWidth = box.clientWidth;
    const plotHeight = Math.max(1, rows) * ROW_HEIGHT;
    const height = TOP + plotHeight + BOTTOM;
    // CSSOM sizing: allowed under the webview's CSP, unlike style attributes.
    box.style.height = `${height}px`;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ratio = window.devicePixelRatio || 1;
    const pixelWidth = Math.round(width * ratio);
    const pixelHeight = Math.round(height * ratio);
    if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
    if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
    const plotX = this.labelWidth + LABEL_GAP;
    return { width, height, plotX, plotY: TOP, plotWidth: Math.max(1, width - plotX - RIGHT), plotHeight, rows, columns };
  }

  private draw(): void {
    const layout = this.layout;
    const context = this.elements.canvas.getContext('2d');
    if (!layout || !context) return;
    this.paintedColumns = paintHeatmap(context, layout, {
      names: this.run?.layerNames ?? [], columns: this.run?.maskColumns ?? [], maxChange: this.maxChange, cursor: this.cursor,
    }, this.theme);
  }

  private cellAt(x: number, y: number): Cell | undefined {
    const layout = this.layout;
    if (!layout || layout.columns === 0) return undefined;
    const fx = (x - layout.plotX) / layout.plotWidth;
    const row = Math.floor((y - layout.plotY) / ROW_HEIGHT);
    if (fx < 0 || fx >= 1 || row < 0 || row >= layout.rows) return undefined;
    return { row, column: Math.min(layout.columns - 1, Math.floor(fx * layout.columns)) };
  }

  private pointAt(x: number, y: number): void {
    const cell = this.cellAt(x, y);
    if (!cell) {
      if (this.cursor) {
        this.cursor = undefined;
        this.draw();
      }
      this.hideTooltip();
      return;
    }
    this.cursor = cell;
    this.draw();
    this.showTooltip(cell);
  }

  private onKey(event: KeyboardEvent): void {
    const layout = this.layout;
    if (!layout || layout.columns === 0) return;
    const cursor = this.cursor ?? { row: 0, column: layout.columns - 1 };
    const moves: Record<string, () => Cell> = {
      ArrowLeft: () => ({ ...cursor, column: Math.max(0, cursor.column - 1) }),
      ArrowRight: () => ({ ...cursor, column: Math.min(layout.columns - 1, cursor.column + 1) }),
      ArrowUp: () => ({ ...cursor, row: Math.max(0, cursor.row - 1) }),
      ArrowDown: () => ({ ...cursor, row: Math.min(layout.rows - 1, cursor.row + 1) }),
      Home: () => ({ ...cursor, column: 0 }),
      End: () => ({ ...cursor, column: layout.columns - 1 }),
    };
    if (event.key === 'Enter' && this.cursor) {
      const name = this.run?.layerNames[this.cursor.row];
      if (name) this.onSelectLayer(name);
      return;
    }
    if (event.key === 'Escape') {
      this.cursor = undefined;
      this.hideTooltip();
      this.draw();
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    this.cursor = move();
    this.draw();
    this.showTooltip(this.cursor);
  }

  private showTooltip(cell: Cell): void {
    const run = this.run;
    const layout = this.layout;
    if (!run || !layout) return;
    const column = run.maskColumns[cell.column];
    const stats: LayerMaskStats | undefined = column?.stats[cell.row];
    const lines = [
      run.layerNames[cell.row],
      `step ${formatInteger(column?.step ?? 0)} (update ${cell.column + 1} of ${layout.columns})`,
      ...(stats
        ? [
          `changed ${formatPercent(topologyChange(stats), 2)} ((grown − grown back) ÷ active)`,
          `churn ${formatPercent(stats.churn, 2)} (grown ÷ active)`,
          `dropped ${formatInteger(stats.dropped)} · grown ${formatInteger(stats.grown)} · grown back ${formatInteger(stats.grownBack)}`,
          `active ${formatInteger(stats.active)} · density ${formatPercent(stats.density, 2)} · ITOP ${formatPercent(stats.itop, 1)}`,
        ]
        : ['not reported at this update']),
    ];
    const { tooltip, box } = this.elements;
    tooltip.replaceChildren(...lines.map((line, index) => {
      const div = document.createElement('div');
      div.textContent = line;
      if (index === 0) div.className = 'tooltip-title';
      return div;
    }));
    tooltip.hidden = false;
    const cellX = layout.plotX + ((cell.column + 1) * layout.plotWidth) / layout.columns;
    const cellY = layout.plotY + (cell.row + 1) * ROW_HEIGHT;
    const width = tooltip.offsetWidth;
    const left = cellX + 12 + width > box.clientWidth ? Math.max(0, cellX - width - 24) : cellX + 12;
    tooltip.style.left = `${left}px`;
    tooltip.style.top = `${cellY + 4}px`;
  }

  private hideTooltip(): void {
    this.elements.tooltip.hidden = true;
  }
}
