// The sweep view's message protocol with the extension (both directions). The extension's
// SweepPanel implements the other side.
import type { SweepResultsPayload } from '../../server/protocol.js';

/*
 * Extension → webview:
 *   {type:'results', results}        the sweep's table and run states (rigl/sweepResults); posted
 *                                    after 'ready' and again whenever one of its runs changes
 * Webview → extension:
 *   {type:'ready'}                   after load; answer with 'results'
 *   {type:'compare', runIds}         open these runs (every seed of the selected rows) in compare mode
 *   {type:'exportCsv', csv}          save the table as CSV (server/sweeps/table.ts's columns)
 *   {type:'exportPng', dataUrl}      save the accuracy-against-sparsity plot
 */
export interface ResultsMessage {
  type: 'results';
  results: SweepResultsPayload;
}

export type SweepHostMessage = ResultsMessage;

export type SweepWebviewMessage =
  | { type: 'ready' }
  | { type: 'compare'; runIds: string[] }
  | { type: 'exportCsv'; csv: string }
  | { type: 'exportPng'; dataUrl: string };

export function isSweepHostMessage(data: unknown): data is SweepHostMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  const results = message.results as Record<string, unknown> | undefined;
  return message.type === 'results' && typeof results === 'object' && results !== null && Array.isArray(results.rows) && Array.isArray(results.runs);
}
