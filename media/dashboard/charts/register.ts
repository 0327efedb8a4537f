// chart.js with only the pieces the dashboard uses registered (keeps the bundle small), and the
// global defaults that follow the VS Code theme (charts are rebuilt after a theme change).
import {
  BarController, BarElement, CategoryScale, Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from './chartjs.js';
import type { Theme } from '../theme.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Decimation);

export function applyThemeDefaults(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(11, Math.round(theme.fontSize * 0.9));
}

export { Chart };
