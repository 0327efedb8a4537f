// Which compute backends load on this machine, asked of a child process (this same bundle run with
// --probe-backends): loading native TensorFlow or Dawn must never crash or block the editor server.
import { spawn } from 'node:child_process';
import type { BackendStatus } from '../config/environment.js';

export const PROBE_FLAG = '--probe-backends';

/** Runs `node <serverScript> --probe-backends` and parses the JSON it prints. */
export function probeBackendsInChild(serverScript: string, timeoutMs = 60_000): Promise<BackendStatus[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serverScript, PROBE_FLAG], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-2000); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the backend probe did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => {
      clearTimeout(timer);
      // The probe prints one JSON line last; libraries may print banners before it.
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as unknown;
        if (Array.isArray(parsed)) return resolve(parsed.filter(isBackendStatus));
      } catch {
        // fall through to the error below
      }
      reject(new Error(`the backend probe exited with code ${code}: ${stderr.trim().split('\n').pop() ?? 'no output'}`));
    });
  });
}

/** The child's side: probe without activating anything, print the result as one JSON line. */
export async function runBackendProbe(): Promise<void> {
  const { probeBackends } = await import('../train/backend.js');
  const probes = await probeBackends();
  const statuses: BackendStatus[] = probes.map((p) => ({ name: p.name, available: p.available, reason: p.remedy ? `${p.reason}; to use it: ${p.remedy}` : p.reason }));
  process.stdout.write('\n' + JSON.stringify(statuses) + '\n');
}

function isBackendStatus(value: unknown): value is BackendStatus {
  const v = value as Partial<BackendStatus>;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.available === 'boolean' && typeof v.reason === 'string';
}
