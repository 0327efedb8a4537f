// Asks a short-lived child process one question: spawn it (argument array, no shell), wait for it
// with a deadline, and hand back its last stdout line; the probes of backends and interpreters use it.
import { spawn } from 'node:child_process';

/** How the child ended: its last stdout line (libraries may print banners before it) and stderr's tail. */
export type ChildAnswer =
  | { kind: 'exited'; code: number | null; lastLine: string; stderrTail: string }
  | { kind: 'timeout' }
  | { kind: 'spawn-error'; error: NodeJS.ErrnoException };

/** Keeps the stderr tail short: it only ever names why the child failed. */
const STDERR_TAIL_CHARS = 2000;

/** Runs `command args…`, killing it (SIGKILL) once `timeoutMs` has passed without an exit. */
export function askChild(command: string, args: readonly string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<ChildAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: ChildAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ kind: 'timeout' });
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'spawn-error', error }));
    child.on('close', (code) => settle({ kind: 'exited', code, lastLine: stdout.trim().split('\n').pop() ?? '', stderrTail: stderr.trim() }));
  });
}

/** The last line of a stderr tail, which is where interpreters and Node put the reason they failed. */
export function lastStderrLine(answer: { stderrTail: string }): string | undefined {
  return answer.stderrTail ? answer.stderrTail.split('\n').pop() : undefined;
}
