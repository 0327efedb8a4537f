// Short, readable numbers for editor text (hovers, code lenses): 25.5M, 31,200, 0.24×, 90.0%.

/** Three significant digits with a k/M/G suffix: 25.5M, 2.55M, 266k, 410. */
export function shortCount(value: number): string {
  const abs = Math.abs(value);
  for (const [scale, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (abs >= scale) return `${Number((value / scale).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}

/** Thousands separated by commas: 31,200. */
export function grouped(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function factor(value: number): string {
  return `${value.toFixed(2)}×`;
}

export function percentText(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}
