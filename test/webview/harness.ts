// Browser-test plumbing: a 127.0.0.1 server for the real webview HTML (same CSP) and bundle, Debian's
// Chromium via playwright-core, and a page with a stub acquireVsCodeApi recording posts and state.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderDashboardHtml } from '../../media/dashboard/html.js';
import type { HostMessage, PersistedState, WebviewMessage } from '../../media/dashboard/messages.js';
import type { DashboardTestHook } from '../../media/dashboard/test-hook.js';
import { repoRoot } from './fixtures.js';
import { THEMES, type ThemeName } from './themes.js';

export const CHROMIUM = '/usr/bin/chromium';
const BUNDLE_DIR = 'dist/webview';

/**
 * Whether the test must stop because Chromium is missing: it skips with a message on a developer's
 * machine, and fails in CI (CI=true), where .ci/run installs Chromium and a skip would hide a break.
 */
export function chromiumUnavailable(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return false;
  const message = `Chromium is not installed at ${CHROMIUM}; run scripts/install-test-deps.sh`;
  if (process.env.CI === 'true') throw new Error(`${message} (required when CI=true)`);
  t.skip(message);
  return true;
}

export function bundleMissing(): string | undefined {
  const script = join(repoRoot(), BUNDLE_DIR, 'dashboard.js');
  return existsSync(script) ? undefined : `${script} is missing: run node esbuild.mjs first`;
}

export interface TestServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves a webview page (the dashboard, or the sweep view) at / and the built files under /dist/webview/, nothing else. */
export async function startServer(entry: 'dashboard' | 'sweep' = 'dashboard'): Promise<TestServer> {
  const root = join(repoRoot(), BUNDLE_DIR);
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
  let origin = '';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (path === '/') {
      const nonce = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))).toString('base64');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(renderDashboardHtml({
        cspSource: origin, nonce, title: 'RigL dashboard (test)',
        scriptUri: `${origin}/${BUNDLE_DIR}/${entry}.js`, styleUri: `${origin}/${BUNDLE_DIR}/${entry}.css`,
      }));
      return;
    }
    const relative = normalize(path.slice(`/${BUNDLE_DIR}/`.length));
    const file = join(root, relative);
    if (!path.startsWith(`/${BUNDLE_DIR}/`) || relative.startsWith('..') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    const extension = file.slice(file.lastIndexOf('.'));
    response.writeHead(200, { 'content-type': types[extension] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

interface StubRecord {
  posted: WebviewMessage[];
  state: unknown;
  acquired: number;
  cspViolations: string[];
}

declare global {
  interface Window {
    __vscodeStub: StubRecord;
    acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): unknown };
  }
}

export interface OpenOptions {
  theme?: ThemeName;
  initialState?: PersistedState;
  width?: number;
  height?: number;
}

/** A loaded dashboard page and the ways tests drive and read it. */
export class DashboardPage {
  readonly errors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`console: ${message.text()}`);
    });
  }

  static async open(browser: Browser, server: TestServer, options: OpenOptions = {}): Promise<DashboardPage> {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 900 }, deviceScaleFactor: 1 });
    const dashboard = new DashboardPage(page);
    const theme = THEMES[options.theme ?? 'dark'];
    // Runs before any page script, like VS Code's own preamble: the API stub and the theme.
    await page.addInitScript(({ state, theme }) => {
      const stub: StubRecord = { posted: [], state, acquired: 0, cspViolations: [] };
      window.__vscodeStub = stub;
      window.acquireVsCodeApi = () => {
        // VS Code allows one call per page; a second is a bug in the dashboard.
        if (++stub.acquired > 1) throw new Error('acquireVsCodeApi called more than once');
        return {
          postMessage: (message: unknown) => stub.posted.push(structuredClone(message) as WebviewMessage),
          getState: () => stub.state,
          setState: (next: unknown) => (stub.state = structuredClone(next)),
        };
      };
      document.addEventListener('securitypolicyviolation', (event) => stub.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`));
      // <html> and <body> do not exist yet: theme them as soon as the parser creates them.
      let rootThemed = false;
      const applyTheme = () => {
        if (!rootThemed && document.documentElement) {
          for (const [name, value] of Object.entries(theme.variables)) document.documentElement.style.setProperty(name, value);
          rootThemed = true;
        }
        if (!document.body) return false;
        document.body.className = theme.bodyClass;
        return true;
      };
      if (!applyTheme()) {
        new MutationObserver((_, observer) => {
          if (applyTheme()) observer.disconnect();
        }).observe(document, { childList: true, subtree: true });
      }
    }, { state: options.initialState, theme });
    await page.goto(server.origin);
    await page.waitForFunction(() => window.__riglDashboard !== undefined);
    return dashboard;
  }

  /** Posts a message as the extension would and waits until it is drawn. */
  async post(message: HostMessage): Promise<void> {
    await this.postAll([message]);
  }

  /** Posts several messages back to back (so the dashboard may coalesce them), then waits until drawn. */
  async postAll(messages: HostMessage[]): Promise<void> {
    await this.page.evaluate(async (batch) => {
      let pending = batch.length;
      // Registered after the dashboard's listener: it runs once the dashboard has taken the message.
      const delivered = new Promise<void>((resolve) => {
        const onMessage = () => {
          if (--pending > 0) return;
          window.removeEventListener('message', onMessage);
          resolve();
        };
        window.addEventListener('message', onMessage);
      });
      for (const message of batch) window.postMessage(message, '*');
      await delivered;
      await window.__riglDashboard!.whenIdle();
    }, messages);
  }

  /** Like post, for a message too large to pass as an evaluate argument efficiently: it travels as JSON text. */
  async postJson(json: string): Promise<void> {
    await this.page.evaluate(async (text) => {
      const delivered = new Promise<void>((resolve) => window.addEventListener('message', () => resolve(), { once: true }));
      window.postMessage(JSON.parse(text), '*');
      await delivered;
      await window.__riglDashboard!.whenIdle();
    }, json);
  }

  async idle(): Promise<void> {
    await this.page.evaluate(() => window.__riglDashboard!.whenIdle());
  }

  hook<K extends keyof DashboardTestHook>(name: K, ...args: Parameters<DashboardTestHook[K]>): Promise<Awaited<ReturnType<DashboardTestHook[K]>>> {
    return this.page.evaluate(({ name, args }) => {
      const hook = window.__riglDashboard! as unknown as Record<string, (...a: unknown[]) => unknown>;
      return hook[name](...args);
    }, { name, args: args as unknown[] }) as Promise<Awaited<ReturnType<DashboardTestHook[K]>>>;
  }

  posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => window.__vscodeStub.posted);
  }

  state(): Promise<unknown> {
    return this.page.evaluate(() => window.__vscodeStub.state);
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => window.__vscodeStub.cspViolations);
  }

  /** Switches theme as VS Code does: new variables on <html>, new body class. */
  async setTheme(name: ThemeName): Promise<void> {
    const theme = THEMES[name];
    await this.page.evaluate((next) => {
      const style = document.documentElement.style;
      for (const property of Array.from(style)) if (property.startsWith('--vscode-')) style.removeProperty(property);
      for (const [property, value] of Object.entries(next.variables)) style.setProperty(property, value);
      document.body.className = next.bodyClass;
    }, theme);
    // The theme observer reacts on the next frame, then redraws.
    await this.page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    await this.idle();
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
