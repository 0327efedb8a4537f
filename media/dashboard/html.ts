// The dashboard webview's HTML for the extension's panel and the browser tests: a strict CSP (nonce'd
// script, styles only from the webview's origin) and an empty <main>. Pure strings: no DOM, no 'vscode'.

export interface DashboardHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** A fresh random nonce per render (base64 or hex, at least 128 bits). */
  nonce: string;
  /** webview.asWebviewUri(dist/webview/dashboard.js) */
  scriptUri: string;
  /** webview.asWebviewUri(dist/webview/dashboard.css) */
  styleUri: string;
  title: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function dashboardCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; script-src 'nonce-${nonce}'`;
}

export function renderDashboardHtml(options: DashboardHtmlOptions): string {
  const attr = (value: string) => escapeHtml(value);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(dashboardCsp(options.cspSource, options.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attr(options.styleUri)}">
  <title>${escapeHtml(options.title)}</title>
</head>
<body>
  <main id="app" aria-label="${attr(options.title)}"></main>
  <script nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}
