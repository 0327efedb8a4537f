// Viridis, the perceptually uniform sequential colour scale: readable on light, dark and
// high-contrast backgrounds and by colour-blind readers, monotonic in lightness.

const VIRIDIS_STOPS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

function hexToRgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

const STOPS = VIRIDIS_STOPS.map(hexToRgb);

/** 256 RGB triples, flattened, so colouring a cell is one lookup. */
const TABLE: Uint8ClampedArray = (() => {
  const table = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (STOPS.length - 1);
    const lower = Math.min(STOPS.length - 2, Math.floor(position));
    const t = position - lower;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = STOPS[lower][c] + (STOPS[lower + 1][c] - STOPS[lower][c]) * t;
  }
  return table;
})();

/** Writes the colour of `fraction` (0..1, clamped) into rgba at offset, opaque. */
export function writeColor(fraction: number, rgba: Uint8ClampedArray, offset: number): void {
  const index = Math.round(Math.min(1, Math.max(0, fraction)) * 255) * 3;
  rgba[offset] = TABLE[index];
  rgba[offset + 1] = TABLE[index + 1];
  rgba[offset + 2] = TABLE[index + 2];
  rgba[offset + 3] = 255;
}

/** A horizontal gradient of the scale, for the legend. */
export function paintLegend(canvas: HTMLCanvasElement): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(canvas.width, canvas.height);
  for (let x = 0; x < canvas.width; x++) {
    for (let y = 0; y < canvas.height; y++) writeColor(x / Math.max(1, canvas.width - 1), image.data, (y * canvas.width + x) * 4);
  }
  context.putImageData(image, 0, 0);
}
