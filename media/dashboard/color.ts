// CSS colour strings to RGBA and back, so theme colours of any syntax (hex, rgb(), names) can be
// given transparency or mixed. Parsing goes through a canvas, the browser's own colour parser.

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

let parser: CanvasRenderingContext2D | null | undefined;

export function parseColor(css: string): Rgba | undefined {
  parser ??= document.createElement('canvas').getContext('2d');
  if (!parser || !css) return undefined;
  // An invalid colour leaves fillStyle unchanged: two different sentinels tell it apart.
  parser.fillStyle = '#000000';
  parser.fillStyle = css;
  const first = String(parser.fillStyle);
  parser.fillStyle = '#ffffff';
  parser.fillStyle = css;
  if (String(parser.fillStyle) !== first) return undefined;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(first);
  if (hex) return { r: parseInt(hex[1], 16), g: parseInt(hex[2], 16), b: parseInt(hex[3], 16), a: 1 };
  const rgba = /^rgba?\(([^)]+)\)$/.exec(first);
  if (!rgba) return undefined;
  const [r, g, b, a = 1] = rgba[1].split(/[,\s/]+/).filter(Boolean).map(Number);
  return { r, g, b, a };
}

export function toCss({ r, g, b, a }: Rgba): string {
  return `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${+a.toFixed(3)})`;
}

/** The colour with its alpha multiplied by `alpha`. */
export function withAlpha(css: string, alpha: number): string {
  const color = parseColor(css);
  return color ? toCss({ ...color, a: color.a * alpha }) : css;
}
