// What the pure config functions cannot find out themselves: the file system, which compute
// backends load on this machine and what its Python has. The language server and the CLI supply
// it; tests inject it.

/** Whether one tfjs backend can be loaded here, and why not when it cannot. */
export interface BackendStatus {
  name: string;
  available: boolean;
  reason: string;
}

export interface ConfigEnvironment {
  /** Whether a dataset path (as written in the config) exists. */
  fileExists(path: string): boolean;
  /** The backends probed on this machine; backend checks are skipped when absent. */
  backends?: readonly BackendStatus[];
  /**
   * The interpreter a pytorch run of this config would use (`pytorch.python`, else the editor's,
   * else the default search) once it has been probed; undefined until then (the checks wait).
   */
  python?(configured: string | undefined): (InterpreterStatus & { source: 'config' | 'editor' | 'default' }) | undefined;
}

/** What a Python interpreter reported about itself (or why it could not be asked). */
export interface InterpreterStatus {
  /** The interpreter as configured (a path or a name on PATH). */
  python: string;
  /** False when it could not be run or did not answer. */
  runs: boolean;
  executable?: string;
  version?: string;
  /** torch.__version__, when torch imports. */
  torch?: string;
  /** Why `import torch` failed. */
  torchError?: string;
  cuda?: boolean;
  gpus?: { name: string; bf16: boolean }[];
  /** Why the interpreter could not be run or answered nonsense. */
  error?: string;
}


/** For features that must not depend on the file system (code lens, sweep checks): dataset paths count as present. */
export const OFFLINE_ENVIRONMENT: ConfigEnvironment = { fileExists: () => true };
