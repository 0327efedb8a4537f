// The config language in one import for the language server and the CLI: every feature is a pure
// function of the document text (plus the environment for diagnostics); handlers only wire them.
export { configDiagnostics, configProblems, toDiagnostic, DIAGNOSTIC_SOURCE } from './diagnostics.js';
export { codeActions } from './actions.js';
export { complete } from './complete.js';
export { hover } from './hover.js';
export { codeLenses } from './lens.js';
export { documentSymbols } from './symbols.js';
export type { ConfigEnvironment, BackendStatus } from './environment.js';
