// Which compute backends load on this machine, asked of a child process (this same bundle run with
// --probe-backends): loading native TensorFlow or Dawn must never crash or block the editor server.
import { askChild, lastStderrLine } from '../process/child-answer.js';
import type { BackendStatus } from '../config/environment.js';

export const PROBE_FLAG = '--probe-backends';

/** Runs `node <serverScript> --probe-backends` and parses the JSON it prints. */
export async function probeBackendsInChild(serverScript: string, timeoutMs = 60_000): Promise<BackendStatus[]> {
  const answer = await askChild(process.execPath, [serverScript, PROBE_FLAG], timeoutMs);
  if (answer.kind === 'timeout') throw new Error(`the backend probe did not finish within ${Math.round(timeoutMs / 1000)} s`);
  if (answer.kind === 'spawn-error') throw answer.error;
  try {
    const parsed = JSON.parse(answer.lastLine) as unknown;
    if (Array.isArray(parsed)) return parsed.filter(isBackendStatus);
  } catch {
    // fall through to the error below
  }
  throw new Error(`the backend probe exited with code ${answer.code}: ${lastStderrLine(answer) ?? 'no output'}`);
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
