// The webgpu tier's environment: Dawn on SwiftShader, the software Vulkan driver in Debian's
// chromium package (scripts/install-test-deps.sh installs it with libvulkan1), opted in for tests.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VULKAN_LOADER = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'];

/** Why the tier cannot run here (the driver is not installable on this platform), or undefined. */
export function swiftshaderMissing(): string | undefined {
  if (process.platform !== 'linux') return `webgpu tier skipped: SwiftShader via Debian's chromium is only set up on Linux (here: ${process.platform})`;
  if (!existsSync(SWIFTSHADER_ICD)) return `webgpu tier skipped: ${SWIFTSHADER_ICD} is missing (scripts/install-test-deps.sh installs chromium; it could not here)`;
  if (!VULKAN_LOADER.some((path) => existsSync(path))) return 'webgpu tier skipped: libvulkan.so.1 is missing (scripts/install-test-deps.sh installs libvulkan1; it could not here)';
  return undefined;
}

/** The environment a process needs to train on SwiftShader: the ICD, a writable runtime dir, the opt-in. */
export function swiftshaderEnv(): Record<string, string> {
  const runtimeDir = join(tmpdir(), `rigl-webgpu-xdg-${process.getuid?.() ?? 'user'}`);
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: runtimeDir, RIGL_WEBGPU_ALLOW_SOFTWARE: '1' };
}

/** Sets swiftshaderEnv on this process (before Dawn is loaded) and returns the skip reason, if any. */
export function useSwiftshader(): string | undefined {
  const missing = swiftshaderMissing();
  if (missing) {
    console.log(`# ${missing}`);
    return missing;
  }
  Object.assign(process.env, swiftshaderEnv());
  return undefined;
}
