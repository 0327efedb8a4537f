// Number and duration formatting for the header, axes and tooltips; fixed English units so the
// dashboard reads the same in every VS Code display language.

const SI = [
  { value: 1e18, suffix: 'E' }, { value: 1e15, suffix: 'P' }, { value: 1e12, suffix: 'T' },
  { value: 1e9, suffix: 'G' }, { value: 1e6, suffix: 'M' }, { value: 1e3, suffix: 'k' },
];

/** 1234 → "1.23k", 4.5e15 → "4.5P". */
export function formatSi(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  for (const { value: unit, suffix } of SI) {
    if (magnitude >= unit) return `${+(value / unit).toPrecision(digits)}${suffix}`;
  }
  return `${+value.toPrecision(digits)}`;
}

/** Axis tick label: compact, no float noise. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4) return formatSi(value, 3);
  if (magnitude < 1e-3) return value.toExponential(1);
  return `${+value.toPrecision(4)}`;
}

export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** 3725 s → "1h 02m", 125 s → "2m 05s", 9 s → "9s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (hours >= 24) return `${Math.floor(hours / 24)}d ${hours % 24}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
