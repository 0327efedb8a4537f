// What the pure config functions cannot find out themselves: the file system and which compute
// backends load on this machine. The language server and the CLI supply it; tests inject it.

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
}
