// Entry of the dashboard webview bundle (dist/webview/dashboard.js): styles, the host bridge,
// the dashboard, the message listener, then {type:'ready'} so the extension sends a snapshot.
import './style.css';
import { Dashboard } from './dashboard.js';
import { isHostMessage } from './messages.js';
import { connectToHost } from './vscode-api.js';

const host = connectToHost();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
const dashboard = new Dashboard(root, host);
window.__riglDashboard = dashboard.testHook();

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) dashboard.receive(event.data);
});
host.post({ type: 'ready' });
