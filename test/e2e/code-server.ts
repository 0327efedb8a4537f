// code-server for the e2e test: the copy scripts/install-code-server.sh put in .tools/ (with its
// own Node 24), the built .vsix installed into a throw-away extensions folder, one server per test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
const TOOLS = join(repoRoot, '.tools');
export const NODE24 = join(TOOLS, 'node24', 'node_modules', 'node', 'bin', 'node');
const ENTRY = join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export function vsixPath(): string {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(repoRoot, `${name}-${version}.vsix`);
}

/** What is missing to run the e2e test, or undefined when everything is there. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(NODE24) || !existsSync(ENTRY)) return 'code-server is not installed in .tools/: run bash scripts/install-code-server.sh';
  if (!existsSync(vsixPath())) return `${vsixPath()} is missing: run npm run package`;
  return undefined;
}

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
  /** XDG folders and TMPDIR, so code-server writes nothing into the real home or /tmp (its sockets). */
  env: NodeJS.ProcessEnv;
  configFile: string;
}

export function createProfile(root: string, userSettings: Record<string, unknown>): Profile {
  const profile: Profile = {
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    configFile: join(root, 'code-server.yaml'),
    env: { ...process.env, XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_DATA_HOME: join(root, 'xdg-data'), XDG_CACHE_HOME: join(root, 'xdg-cache'), TMPDIR: join(root, 'tmp') },
  };
  mkdirSync(join(root, 'tmp'));
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  writeFileSync(join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  return profile;
}

function commonArgs(profile: Profile): string[] {
  return ['--config', profile.configFile, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** `code-server --install-extension <vsix>`; throws with code-server's output when it fails. */
export function installExtension(profile: Profile, vsix: string): string {
  const result = spawnSync(NODE24, [ENTRY, ...commonArgs(profile), '--install-extension', vsix], { env: profile.env, encoding: 'utf8', timeout: 120_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`installing ${vsix} failed (${result.status}):\n${output}`);
  return output;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningCodeServer {
  url: string;
  /** Everything code-server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts code-server on 127.0.0.1 and resolves once it answers HTTP. */
export async function startCodeServer(profile: Profile, timeoutMs = 60_000): Promise<RunningCodeServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(NODE24, [
    ENTRY, ...commonArgs(profile), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
  ], { env: profile.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer within ${timeoutMs} ms:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      // The process group: code-server, its extension host, the language server and any trainer.
      process.kill(-child.pid, 'SIGTERM');
      const killed = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
