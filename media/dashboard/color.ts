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

/** Linear mix of two colours, t = 0 gives `from`. */
export function mixColors(from: string, to: string, t: number): string {
  const a = parseColor(from);
  const b = parseColor(to);
  if (!a || !b) return from;
  return toCss({ r: a.r + (b.r - a.r) * t, g: a.g + (b.g - a.g) * t, b: a.b + (b.b - a.b) * t, a: a.a + (b.a - a.a) * t });
}

/** WCAG relative luminance, for picking readable text over a colour. */
export function luminance(css: string): number {
  const color = parseColor(css);
  if (!color) return 0;
  const channel = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b);
}
