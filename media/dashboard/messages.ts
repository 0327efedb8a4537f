// The dashboard webview's message protocol with the extension (both directions) and the UI
// state it persists through vscode.setState. The extension's panel class implements the other side.
import type { RunEvent } from '../../server/protocol.js';

/*
 * Protocol
 * --------
 * Lifecycle
 *   1. The webview loads and posts {type:'ready'} once its message listener is installed.
 *   2. The extension answers with a 'snapshot' holding every run the panel shows (one run:
 *      a single-run dashboard; several: compare mode, each metric overlaid per run).
 *   3. While a shown run is live, the extension posts 'events' with new events of one run,
 *      batched (any batch size; the webview coalesces batches into one redraw per frame).
 *   4. When the panel becomes visible again after being hidden, or when the webview reloads,
 *      the extension posts a fresh 'snapshot' (after the next 'ready' for a reload). A snapshot
 *      always replaces everything: the webview rebuilds from scratch.
 *   5. After a VS Code restart, a WebviewPanelSerializer receives PersistedState: its runIds say
 *      which runs to fetch (rigl/runHistory) for the snapshot that follows the next 'ready'.
 *
 * Extension → webview (window 'message' events):
 *   {type:'snapshot', runs:[{runId, events}]}   full history of each run, in file order
 *   {type:'events', runId, events}               increments of one run; an unknown runId
 *                                                is added as a new run (compare mode)
 *
 * Webview → extension (acquireVsCodeApi().postMessage):
 *   {type:'ready'}                               after load; answer with a snapshot
 *   {type:'exportCsv', runId, csv}               save `csv` (one row per event, header first,
 *                                                columns CSV_COLUMNS, '\n' line ends); suggested
 *                                                file name `${runId}-events.csv`
 *   {type:'exportPng', chart, dataUrl}           save the PNG `dataUrl` ('data:image/png;base64,…');
 *                                                `chart` is the chart's id (CHART_IDS), suggested
 *                                                file name `${chart}.png`
 *
 * Events within a run may step backwards (a resumed run repeats steps after its last
 * checkpoint): the webview then drops the points at or after that step and draws the new ones.
 */

/** One run's full history, as read from its events.jsonl (rigl/runHistory). */
export interface RunHistory {
  runId: string;
  events: RunEvent[];
}

export interface SnapshotMessage {
  type: 'snapshot';
  runs: RunHistory[];
}

export interface EventsMessage {
  type: 'events';
  runId: string;
  events: RunEvent[];
}

/** Everything the extension may post to the dashboard. */
export type HostMessage = SnapshotMessage | EventsMessage;

export interface ReadyMessage {
  type: 'ready';
}

export interface ExportCsvMessage {
  type: 'exportCsv';
  runId: string;
  csv: string;
}

export interface ExportPngMessage {
  type: 'exportPng';
  /** One of CHART_IDS. */
  chart: string;
  dataUrl: string;
}

/** Everything the dashboard posts to the extension. */
export type WebviewMessage = ReadyMessage | ExportCsvMessage | ExportPngMessage;

/** Ids of the exportable charts, as sent in ExportPngMessage.chart. */
export const CHART_IDS = ['loss', 'accuracy', 'lr', 'throughput', 'updateFraction', 'flops', 'maskDynamics', 'itop', 'density', 'churn'] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** What survives a webview reload (vscode.setState / getState). */
export interface PersistedState {
  version: 1;
  /** EMA weight of the smoothed training curves, in [0, 0.999]. */
  smoothing: number;
  /** Layer whose ITOP curve is drawn beside the global one. */
  selectedLayer?: string;
  /** In compare mode, the run whose per-layer density and churn heatmap are shown. */
  focusRunId?: string;
  /**
   * The runs on display, in order. VS Code hands this state to a WebviewPanelSerializer when it
   * revives the panel after a restart: the extension reads it to know which histories to send.
   */
  runIds?: string[];
}

export const DEFAULT_STATE: PersistedState = { version: 1, smoothing: 0.6 };

export const MAX_SMOOTHING = 0.999;

/** Reads a stored state defensively: an older or foreign shape falls back to defaults field by field. */
export function restoreState(stored: unknown): PersistedState {
  const state: PersistedState = { ...DEFAULT_STATE };
  if (typeof stored !== 'object' || stored === null) return state;
  const record = stored as Record<string, unknown>;
  if (typeof record.smoothing === 'number' && Number.isFinite(record.smoothing)) {
    state.smoothing = Math.min(MAX_SMOOTHING, Math.max(0, record.smoothing));
  }
  if (typeof record.selectedLayer === 'string') state.selectedLayer = record.selectedLayer;
  if (typeof record.focusRunId === 'string') state.focusRunId = record.focusRunId;
  if (Array.isArray(record.runIds) && record.runIds.every((id) => typeof id === 'string')) state.runIds = [...record.runIds];
  return state;
}

/** Whether a window message is one of ours (VS Code and extensions may post others). */
export function isHostMessage(data: unknown): data is HostMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  if (message.type === 'snapshot') {
    return Array.isArray(message.runs) && message.runs.every((run) => typeof run === 'object' && run !== null
      && typeof (run as RunHistory).runId === 'string' && Array.isArray((run as RunHistory).events));
  }
  if (message.type === 'events') return typeof message.runId === 'string' && Array.isArray(message.events);
  return false;
}
