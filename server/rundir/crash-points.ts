// Test-only crash points: with RIGL_TEST_CRASH_AT=<point>[#n] the process SIGKILLs itself the n-th
// time it reaches <point>, so the reliability tests hit the narrow windows of a run-directory write
// (half a checkpoint, between latest.json and summary.json) deterministically. Unset: no effect.
import { basename } from 'node:path';

const counts = new Map<string, number>();

/** The name a file goes by in crash points: `checkpoint` for step-*.ckpt, else its base name. */
export function crashName(path: string): string {
  const name = basename(path);
  return /^step-\d+\.ckpt$/.test(name) ? 'checkpoint' : name;
}

/** SIGKILLs this process if RIGL_TEST_CRASH_AT names this point and this is its n-th time. */
export function crashPoint(point: string): void {
  const spec = process.env.RIGL_TEST_CRASH_AT;
  if (!spec) return;
  const [name, nth = '1'] = spec.split('#');
  if (name !== point) return;
  const count = (counts.get(point) ?? 0) + 1;
  counts.set(point, count);
  if (count === Number(nth)) process.kill(process.pid, 'SIGKILL');
}
