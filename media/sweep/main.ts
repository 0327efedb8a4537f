// Entry of the sweep view's webview bundle (dist/webview/sweep.js): styles, the view, the message
// listener, then {type:'ready'} so the extension sends the sweep's results.
import '../dashboard/style.css';
import './sweep.css';
import { SweepView } from './sweep-view.js';
import { isSweepHostMessage, type SweepWebviewMessage } from './messages.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// Outside a webview (the browser tests stub it) posting is a no-op.
const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
const post = (message: SweepWebviewMessage) => api?.postMessage(message);
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
const view = new SweepView(root, post);
window.__riglSweep = view.testHook();
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isSweepHostMessage(event.data)) view.show(event.data.results);
});
post({ type: 'ready' });
