// The dashboard's colours, read from VS Code's theme CSS variables (with per-theme-kind fallbacks),
// and a watcher that reports when VS Code switches theme (body class or root variables change).
import { withAlpha } from './color.js';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
export type PaletteKey = 'blue' | 'red' | 'green' | 'yellow' | 'orange' | 'purple';

export interface Theme {
  kind: ThemeKind;
  foreground: string;
  mutedForeground: string;
  background: string;
  /** Chart gridlines: faint, but visible in every kind. */
  grid: string;
  /** Axis lines and panel outlines. */
  border: string;
  focusBorder: string;
  tooltipBackground: string;
  tooltipForeground: string;
  tooltipBorder: string;
  fontFamily: string;
  /** For layer names: fixed width keeps `layer3.4.conv2` columns aligned. */
  monoFontFamily: string;
  fontSize: number;
  palette: Record<PaletteKey, string>;
  /** One colour per run in compare mode, in order. */
  runColors: string[];
}

interface Fallbacks {
  foreground: string;
  mutedForeground: string;
  background: string;
  border: string;
  focusBorder: string;
  tooltipBackground: string;
  palette: Record<PaletteKey, string>;
}

// VS Code's own defaults (Dark Modern, Light Modern, High Contrast), for when a variable is unset.
const FALLBACKS: Record<ThemeKind, Fallbacks> = {
  dark: {
    foreground: '#cccccc', mutedForeground: '#9d9d9d', background: '#1f1f1f', border: '#2b2b2b', focusBorder: '#0078d4',
    tooltipBackground: '#202020',
    palette: { blue: '#3794ff', red: '#f14c4c', green: '#89d185', yellow: '#cca700', orange: '#d18616', purple: '#b180d7' },
  },
  light: {
    foreground: '#3b3b3b', mutedForeground: '#717171', background: '#ffffff', border: '#e5e5e5', focusBorder: '#005fb8',
    tooltipBackground: '#f8f8f8',
    palette: { blue: '#1a85ff', red: '#e51400', green: '#388a34', yellow: '#bf8803', orange: '#d18616', purple: '#652d90' },
  },
  'high-contrast': {
    foreground: '#ffffff', mutedForeground: '#ffffff', background: '#000000', border: '#6fc3df', focusBorder: '#f38518',
    tooltipBackground: '#0c141f',
    palette: { blue: '#3794ff', red: '#f14c4c', green: '#89d185', yellow: '#cca700', orange: '#d18616', purple: '#b180d7' },
  },
  'high-contrast-light': {
    foreground: '#292929', mutedForeground: '#292929', background: '#ffffff', border: '#0f4a85', focusBorder: '#006bbd',
    tooltipBackground: '#ffffff',
    palette: { blue: '#0f4a85', red: '#b5200d', green: '#374e06', yellow: '#895503', orange: '#8f3b00', purple: '#652d90' },
  },
};

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const classes = body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): Theme {
  const kind = themeKind();
  const fallback = FALLBACKS[kind];
  const style = getComputedStyle(document.body);
  const cssVar = (name: string, otherwise: string) => style.getPropertyValue(name).trim() || otherwise;
  const foreground = cssVar('--vscode-editor-foreground', cssVar('--vscode-foreground', fallback.foreground));
  const palette = Object.fromEntries(
    (Object.keys(fallback.palette) as PaletteKey[]).map((key) => [key, cssVar(`--vscode-charts-${key}`, fallback.palette[key])]),
  ) as Record<PaletteKey, string>;
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const fontSize = parseFloat(cssVar('--vscode-font-size', '13'));
  return {
    kind,
    foreground,
    mutedForeground: cssVar('--vscode-descriptionForeground', fallback.mutedForeground),
    background: cssVar('--vscode-editor-background', fallback.background),
    // Gridlines derive from the text colour so they keep their contrast ratio in every theme.
    grid: withAlpha(foreground, highContrast ? 0.35 : 0.12),
    border: cssVar('--vscode-contrastBorder', cssVar('--vscode-panel-border', fallback.border)),
    focusBorder: cssVar('--vscode-focusBorder', fallback.focusBorder),
    tooltipBackground: cssVar('--vscode-editorHoverWidget-background', fallback.tooltipBackground),
    tooltipForeground: cssVar('--vscode-editorHoverWidget-foreground', foreground),
    tooltipBorder: cssVar('--vscode-editorHoverWidget-border', cssVar('--vscode-contrastBorder', fallback.border)),
    fontFamily: cssVar('--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif'),
    monoFontFamily: cssVar('--vscode-editor-font-family', 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
    palette,
    // Blue and orange first: the most distinguishable pair, also for red-green colour blindness.
    runColors: [palette.blue, palette.orange, palette.purple, palette.green, palette.red, palette.yellow],
  };
}

function signature(theme: Theme): string {
  return JSON.stringify(theme);
}

/**
 * Calls onChange (at most once per frame) when the theme's colours change: VS Code toggles the
 * body's vscode-light / vscode-dark / vscode-high-contrast class and rewrites the variables on <html>.
 */
export function observeTheme(onChange: (theme: Theme) => void): () => void {
  let current = signature(readTheme());
  let scheduled = false;
  const check = () => {
    scheduled = false;
    const theme = readTheme();
    const next = signature(theme);
    if (next === current) return;
    current = next;
    onChange(theme);
  };
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(check);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
  return () => observer.disconnect();
}
