// What each backend loader reports: whether its backend can run here, and in words why or why not,
// with what to install when it cannot. backend.ts turns these into the selection and the probe.
import { errorMessage } from '../../errors.js';

export interface LoadOutcome {
  ok: boolean;
  /** Short, user-facing: "not installed", "no GPU adapter (…)", "SIMD, single thread". */
  reason: string;
  /** When not ok: what the user can install or change to get this backend. */
  remedy?: string;
}

export const available = (reason: string): LoadOutcome => ({ ok: true, reason });
export const unavailable = (reason: string, remedy: string): LoadOutcome => ({ ok: false, reason, remedy });

/** The message of anything thrown, on one line. */
export function errorText(error: unknown): string {
  return errorMessage(error).split('\n')[0].trim();
}

/** True when `error` says `moduleName` itself is absent (not one of its own dependencies). */
export function isModuleMissing(error: unknown, moduleName: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && errorText(error).includes(`'${moduleName}`);
}
