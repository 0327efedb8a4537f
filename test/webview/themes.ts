// VS Code's theme variables for the three kinds the dashboard must read well in (Dark Modern,
// Light Modern, High Contrast), as VS Code sets them: a body class plus variables on <html>.

export type ThemeName = 'dark' | 'light' | 'high-contrast';

export interface VsCodeTheme {
  bodyClass: string;
  variables: Record<string, string>;
}

const charts = {
  dark: { blue: '#3794ff', red: '#f14c4c', green: '#89d185', yellow: '#cca700', orange: '#d18616', purple: '#b180d7' },
  light: { blue: '#1a85ff', red: '#e51400', green: '#388a34', yellow: '#bf8803', orange: '#d18616', purple: '#652d90' },
};

function chartVariables(palette: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(palette).map(([name, color]) => [`--vscode-charts-${name}`, color]));
}

const common = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
};

export const THEMES: Record<ThemeName, VsCodeTheme> = {
  dark: {
    bodyClass: 'vscode-dark',
    variables: {
      ...common,
      ...chartVariables(charts.dark),
      '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f',
      '--vscode-descriptionForeground': '#9d9d9d', '--vscode-panel-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4',
      '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc', '--vscode-button-secondaryHoverBackground': '#3c3c3c', '--vscode-button-border': '#ffffff12',
      '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc', '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-editorWidget-background': '#202020', '--vscode-editorHoverWidget-background': '#202020',
      '--vscode-editorHoverWidget-foreground': '#cccccc', '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-errorForeground': '#f85149', '--vscode-progressBar-background': '#0078d4', '--vscode-input-background': '#313131',
      '--vscode-widget-shadow': '#0000005c',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    variables: {
      ...common,
      ...chartVariables(charts.light),
      '--vscode-foreground': '#3b3b3b', '--vscode-editor-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#3b3b3b', '--vscode-panel-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8',
      '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-button-secondaryHoverBackground': '#cccccc', '--vscode-button-border': '#0000001a',
      '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#3b3b3b', '--vscode-dropdown-border': '#cecece',
      '--vscode-editorWidget-background': '#f8f8f8', '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-foreground': '#3b3b3b', '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-errorForeground': '#f85149', '--vscode-progressBar-background': '#005fb8', '--vscode-input-background': '#ffffff',
      '--vscode-widget-shadow': '#00000029',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    variables: {
      ...common,
      ...chartVariables(charts.dark),
      '--vscode-foreground': '#ffffff', '--vscode-editor-foreground': '#ffffff', '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': '#ffffff', '--vscode-panel-border': '#6fc3df', '--vscode-contrastBorder': '#6fc3df',
      '--vscode-focusBorder': '#f38518', '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff', '--vscode-button-border': '#6fc3df',
      '--vscode-dropdown-background': '#000000', '--vscode-dropdown-foreground': '#ffffff', '--vscode-dropdown-border': '#6fc3df',
      '--vscode-editorWidget-background': '#0c141f', '--vscode-editorHoverWidget-background': '#0c141f',
      '--vscode-editorHoverWidget-foreground': '#ffffff', '--vscode-editorHoverWidget-border': '#6fc3df',
      '--vscode-errorForeground': '#f48771', '--vscode-progressBar-background': '#6fc3df', '--vscode-input-background': '#000000',
      '--vscode-widget-shadow': '#00000000',
    },
  },
};
