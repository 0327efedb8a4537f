// The one place that talks to VS Code's webview API: typed posting and persisted state.
// acquireVsCodeApi may be called only once per page, so everything shares this instance.
import { restoreState, type PersistedState, type WebviewMessage } from './messages.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostBridge {
  post(message: WebviewMessage): void;
  readonly state: PersistedState;
  updateState(change: Partial<PersistedState>): void;
}

/** Connects to VS Code; outside a webview (a plain browser) posting is a no-op and state lives in memory. */
export function connectToHost(): HostBridge {
  const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const state = restoreState(api?.getState());
  return {
    post: (message) => api?.postMessage(message),
    state,
    updateState(change) {
      Object.assign(state, change);
      api?.setState({ ...state });
    },
  };
}
