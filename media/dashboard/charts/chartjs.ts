// The dashboard's only door to chart.js: the components it registers and the types it uses, imported
// once here so the module-format workaround below lives in one place.

// chart.js 4 publishes ESM-only type declarations, while this project's node16 setting makes these .ts
// files CommonJS to TypeScript, which then refuses a value import of an ES module (TS1479) although
// esbuild bundles it fine. Types come in with resolution-mode 'import'; the one value import carries an
// expected-error marker (its types still resolve, so everything stays checked). A browser-only tsconfig
// for media/ (moduleResolution "bundler") would make the marker unnecessary; tsc would then flag it.
// @ts-expect-error TS1479, see above.
import { BarController, BarElement, CategoryScale, Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

export type { ChartDataset, ChartOptions, LegendItem, Plugin, TooltipItem } from 'chart.js' with { 'resolution-mode': 'import' };
export { BarController, BarElement, CategoryScale, Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip };
