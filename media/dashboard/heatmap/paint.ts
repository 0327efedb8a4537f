// Paints the churn heatmap: layer names, one cell per layer and mask update coloured by its
// topology change (binned by maximum when updates outnumber pixels), the step axis on top, and
// the cursor cell. No state of its own.
import type { LayerMaskStats } from '../../../server/protocol.js';
import { formatInteger } from '../format.js';
import type { Theme } from '../theme.js';
import { writeColor } from './color-scale.js';
import { topologyChange } from './topology-change.js';

export const ROW_HEIGHT = 14;
/** The step axis sits above the cells, like the density chart's axis: in view while the first rows are read. */
export const TOP = 38;
export const BOTTOM = 6;
export const RIGHT = 12;
export const LABEL_GAP = 10;

export interface HeatmapLayout {
  /** CSS pixels. */
  width: number;
  height: number;
  plotX: number;
  plotY: number;
  plotWidth: number;
  plotHeight: number;
  rows: number;
  columns: number;
}

export interface Cell {
  row: number;
  column: number;
}

export interface HeatmapContent {
  names: readonly string[];
  /** One per mask update; stats indexed like names. */
  columns: readonly { step: number; stats: readonly (LayerMaskStats | undefined)[] }[];
  /** The largest topology change, the top of the colour scale. */
  maxChange: number;
  cursor?: Cell;
}

export function labelFont(theme: Theme): string {
  return `11px ${theme.monoFontFamily}`;
}

/** Paints everything; returns how many columns of cells were painted. */
export function paintHeatmap(context: CanvasRenderingContext2D, layout: HeatmapLayout, content: HeatmapContent, theme: Theme): number {
  const ratio = window.devicePixelRatio || 1;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, layout.width, layout.height);
  paintLabels(context, layout, content.names, theme);
  let painted = 0;
  if (layout.columns === 0 || layout.rows === 0) {
    context.fillStyle = theme.mutedForeground;
    context.font = `12px ${theme.fontFamily}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText('No mask updates yet', layout.plotX + layout.plotWidth / 2, layout.plotY + Math.min(layout.plotHeight, 200) / 2);
  } else {
    painted = paintCells(context, layout, content, ratio);
    paintAxis(context, layout, content, theme);
  }
  context.strokeStyle = theme.border;
  context.lineWidth = 1;
  context.strokeRect(layout.plotX - 0.5, layout.plotY - 0.5, layout.plotWidth + 1, layout.plotHeight + 1);
  const cursor = content.cursor;
  if (cursor && layout.columns > 0) {
    const x0 = layout.plotX + (cursor.column * layout.plotWidth) / layout.columns;
    const x1 = layout.plotX + ((cursor.column + 1) * layout.plotWidth) / layout.columns;
    context.strokeStyle = theme.focusBorder;
    context.lineWidth = 2;
    context.strokeRect(x0 - 1, layout.plotY + cursor.row * ROW_HEIGHT - 1, Math.max(2, x1 - x0) + 2, ROW_HEIGHT + 2);
  }
  return painted;
}

function paintLabels(context: CanvasRenderingContext2D, layout: HeatmapLayout, names: readonly string[], theme: Theme): void {
  context.fillStyle = theme.foreground;
  context.font = labelFont(theme);
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  names.forEach((name, row) => context.fillText(name, layout.plotX - LABEL_GAP / 2 - 2, layout.plotY + (row + 0.5) * ROW_HEIGHT));
}

function paintCells(context: CanvasRenderingContext2D, layout: HeatmapLayout, content: HeatmapContent, ratio: number): number {
  const columns = content.columns;
  // One image pixel per (bin, layer), scaled up without smoothing: crisp cells at any size.
  const bins = Math.max(1, Math.min(columns.length, Math.floor(layout.plotWidth * ratio)));
  const image = new ImageData(bins, layout.rows);
  const scale = content.maxChange > 0 ? 1 / content.maxChange : 0;
  for (let bin = 0; bin < bins; bin++) {
    const from = Math.floor((bin * columns.length) / bins);
    const to = Math.max(from + 1, Math.floor(((bin + 1) * columns.length) / bins));
    for (let row = 0; row < layout.rows; row++) {
      let value = -1;
      for (let c = from; c < to; c++) {
        const stats = columns[c].stats[row];
        if (stats && topologyChange(stats) > value) value = topologyChange(stats);
      }
      // Unreported cells stay transparent: the panel background shows through.
      if (value >= 0) writeColor(value * scale, image.data, (row * bins + bin) * 4);
    }
  }
  const offscreen = document.createElement('canvas');
  offscreen.width = bins;
  offscreen.height = layout.rows;
  offscreen.getContext('2d')?.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(offscreen, layout.plotX, layout.plotY, layout.plotWidth, layout.plotHeight);
  return bins;
}

function paintAxis(context: CanvasRenderingContext2D, layout: HeatmapLayout, content: HeatmapContent, theme: Theme): void {
  const columns = content.columns;
  // Evenly spaced labels: every stride-th update, at most one per 90 px.
  const stride = Math.max(1, Math.ceil(columns.length / Math.max(1, Math.floor(layout.plotWidth / 90))));
  const top = layout.plotY;
  context.fillStyle = theme.mutedForeground;
  context.font = `11px ${theme.fontFamily}`;
  context.textAlign = 'center';
  context.textBaseline = 'top';
  context.fillText('step of mask update', layout.plotX + layout.plotWidth / 2, 2);
  context.fillStyle = theme.foreground;
  context.strokeStyle = theme.border;
  context.lineWidth = 1;
  context.textBaseline = 'bottom';
  for (let column = 0; column < columns.length; column += stride) {
    const x = Math.round(layout.plotX + ((column + 0.5) * layout.plotWidth) / columns.length) + 0.5;
    context.beginPath();
    context.moveTo(x, top - 4);
    context.lineTo(x, top);
    context.stroke();
    const label = formatInteger(columns[column].step);
    // Keep the last label inside the canvas.
    const half = context.measureText(label).width / 2;
    context.fillText(label, Math.min(x, layout.width - half - 2), top - 6);
  }
}
