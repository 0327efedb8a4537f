// A JSON-RPC test client for the built server (node dist/server.js --stdio): initialize with a
// temporary workspace, record every notification, wait on them with a deadline, shut down cleanly.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, ExitNotification, InitializedNotification, InitializeRequest, PublishDiagnosticsNotification,
  ShutdownRequest, StreamMessageReader, StreamMessageWriter, WorkDoneProgress, WorkDoneProgressCreateRequest,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  type NotificationType, type ProtocolConnection, type PublishDiagnosticsParams, type WorkDoneProgressBegin,
  type WorkDoneProgressEnd, type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { ServerStatusNotification, type RiglInitializationOptions, type ServerStatus } from '../../server/protocol.js';
import { isProcessAlive } from '../../server/rundir/store.js';

/** The folder holding package.json, found upwards from this bundle (dist/test/lsp or dist/bench). */
export const repoRoot = findRepoRoot(__dirname);
export const serverScript = join(repoRoot, 'dist', 'server.js');
/** Every wait fails the test after this long rather than hanging it. */
export const WAIT_LIMIT_MS = 120_000;

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export interface TestServerOptions {
  initializationOptions?: RiglInitializationOptions;
  /** Extra environment for the server (and so its trainers). */
  env?: Record<string, string>;
  /** A command the server runs under (e.g. a private mount namespace): node and the server script follow its arguments. */
  wrapper?: string[];
}

export class TestServer {
  readonly connection: ProtocolConnection;
  readonly workspace: string;
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly progress = new Map<string, ProgressValue[]>();
  private readonly process: ChildProcessWithoutNullStreams;
  private waiters: (() => boolean)[] = [];
  private stderr = '';
  private exited: Promise<number | null>;

  private constructor(options: TestServerOptions) {
    this.workspace = mkdtempSync(join(tmpdir(), 'rigl-lsp-'));
    const [command, ...args] = [...(options.wrapper ?? []), process.execPath, serverScript, '--stdio'];
    this.process = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: 'pipe' });
    this.process.stderr.setEncoding('utf8').on('data', (chunk: string) => { this.stderr = (this.stderr + chunk).slice(-4000); });
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout), new StreamMessageWriter(this.process.stdin));
    this.connection.onUnhandledNotification((message) => this.record(message.method, message.params));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => this.record(PublishDiagnosticsNotification.method, params));
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const key = String(token);
      this.progress.set(key, []);
      this.connection.onProgress(WorkDoneProgress.type, token, (value) => {
        this.progress.get(key)!.push(value);
        this.settle();
      });
    });
    this.connection.listen();
  }

  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const server = new TestServer(options);
    await server.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(server.workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(server.workspace).href, name: 'workspace' }],
      capabilities: { window: { workDoneProgress: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { probeBackends: false, ...options.initializationOptions },
    });
    await server.connection.sendNotification(InitializedNotification.type, {});
    return server;
  }

  get runsDirectory(): string {
    return join(this.workspace, 'runs');
  }

  /** Resolves with the first notification of this type (already received or to come) that matches. */
  waitFor<P>(type: NotificationType<P>, matches: (params: P) => boolean = () => true, what = type.method): Promise<P> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr}`)), WAIT_LIMIT_MS);
      const settled = () => {
        const found = this.received(type).find(matches);
        if (found === undefined) return false;
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      if (!settled()) this.waiters.push(settled);
    });
  }

  /** Waits until a condition over what was received holds (re-checked on each message). */
  until(condition: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr}`)), WAIT_LIMIT_MS);
      const settled = () => {
        if (!condition()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!settled()) this.waiters.push(settled);
    });
  }

  received<P>(type: NotificationType<P>): P[] {
    return this.notifications.filter((n) => n.method === type.method).map((n) => n.params as P);
  }

  waitForStatus(matches: (status: ServerStatus) => boolean): Promise<ServerStatus> {
    return this.waitFor(ServerStatusNotification.type, matches, 'a matching rigl/serverStatus');
  }

  /** Opens a document and waits for the diagnostics of that version. */
  async open(name: string, text: string): Promise<{ uri: string; diagnostics: PublishDiagnosticsParams }> {
    const uri = pathToFileURL(join(this.workspace, name)).href;
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'rigl-config', version: 1, text } });
    return { uri, diagnostics: await this.diagnostics(uri, 1) };
  }

  async change(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return this.waitFor(PublishDiagnosticsNotification.type, (p) => p.uri === uri && p.version === version, `diagnostics of ${uri} v${version}`);
  }

  /** shutdown + exit, then the process must end by itself. */
  async stop(): Promise<number | null> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    const code = await Promise.race([this.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref())]);
    if (code === 'hung') this.process.kill('SIGKILL');
    this.connection.dispose();
    return code === 'hung' ? null : code;
  }

  /** Ends the server abruptly, as a crash would. */
  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
    this.connection.dispose();
  }

  removeWorkspace(): void {
    rmSync(this.workspace, { recursive: true, force: true });
  }

  private record(method: string, params: unknown): void {
    this.notifications.push({ method, params });
    this.settle();
  }

  private settle(): void {
    this.waiters = this.waiters.filter((settled) => !settled());
  }
}

/** For a process the test cannot get notifications from (an orphaned trainer): resolves once it has ended. */
export async function processEnds(pid: number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  // Alive and not a zombie: an orphan's new parent may be an init that does not reap it at once.
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'server'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}
