// A small tmpfs for the disk-boundary tests: each script runs in a private mount namespace (unshare
// -m as root, -rm in a user namespace otherwise), so no mount outlives it; or the reason it cannot.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export type MountNamespace = { unshare: string[] } | { skip: string };

let probed: MountNamespace | undefined;

/** How this machine lets a test mount a tmpfs, tried once: root's own namespace, else a user namespace. */
export function mountNamespace(): MountNamespace {
  if (probed) return probed;
  const attempts = process.getuid?.() === 0 ? [['-m'], ['-rm']] : [['-rm']];
  const failures: string[] = [];
  for (const flags of attempts) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', 'd=$(mktemp -d) || exit 1; mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return (probed = { unshare: flags });
    failures.push(`unshare ${flags.join(' ')}: ${probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`)}`);
  }
  return (probed = { skip: `no tmpfs can be mounted here (${failures.join('; ')})` });
}

/**
 * Runs a bash script in a private mount namespace. Its arguments: $1 the empty folder to mount on,
 * then `args`. The script unmounts on exit; the namespace's end would unmount it anyway.
 */
export function runInMountNamespace(namespace: { unshare: string[] }, script: string, mountPoint: string, args: string[], timeoutMs: number): SpawnSyncReturns<string> {
  const guarded = `set -u\ntrap 'umount "$1" 2>/dev/null' EXIT\n${script}`;
  // A watchdog, not a timing assertion: a hung trainer fails the test instead of stalling CI.
  return spawnSync('unshare', [...namespace.unshare, 'bash', '-c', guarded, 'bash', mountPoint, ...args], { encoding: 'utf8', timeout: timeoutMs });
}

/**
 * The command prefix that runs a program in a private mount namespace after `setup` (a bash script
 * with $1 the mount point) has run: for a language server whose runs folder is on the mount.
 */
export function mountNamespaceWrapper(namespace: { unshare: string[] }, setup: string, mountPoint: string): string[] {
  return ['unshare', ...namespace.unshare, 'bash', '-c', `set -eu\n${setup}\nshift\nexec "$@"`, 'bash', mountPoint];
}
