// The pytorch engine against this machine's Python, as probed by the language server: no
// interpreter, no torch (with the install command), CUDA asked for but absent, more processes
// than GPUs, bf16 on a GPU without it. Warnings: a run may be meant for another machine (SLURM).
import type { ConfigProblem } from '../problems.js';
import type { ValidationContext } from './context.js';

/** How to install torch; the message names it so that a user can act without searching. */
export const TORCH_INSTALL_COMMAND = 'python3 -m pip install torch torchvision (Debian/Ubuntu: apt-get install python3-torch python3-torchvision)';

export function pytorchEnvironment(context: ValidationContext): ConfigProblem[] {
  const { engine, pytorch } = context.config;
  if (engine !== 'pytorch') return [];
  const status = context.env.python?.(pytorch.python);
  if (!status) return [];
  const pythonPath = context.written(['pytorch', 'python']) ? ['pytorch', 'python'] : ['engine'];
  const warn = (code: ConfigProblem['code'], path: string[], message: string, data: Record<string, unknown> = {}): ConfigProblem => ({
    code, severity: 'warning', message, path, range: context.written(path) ? context.valueRange(path) : context.valueRange(['engine']), data: { python: status.python, ...data },
  });
  const where = status.source === 'config' ? '' : status.source === 'editor' ? ' (the editor\'s interpreter)' : ' (found on this machine; set pytorch.python to choose another)';
  if (!status.runs) return [warn('python-unavailable', pythonPath, `No usable Python for the pytorch engine: ${status.error ?? `${status.python} cannot be run`}. Set \`pytorch.python\` (or the rigl.pythonPath setting) to a Python 3 with torch.`)];
  if (status.torch === undefined) {
    return [warn('torch-missing', pythonPath, `${status.python}${where} (Python ${status.version ?? '?'}) has no torch: ${status.torchError ?? 'import failed'}. Install it: ${TORCH_INSTALL_COMMAND}.`, { install: TORCH_INSTALL_COMMAND })];
  }
  const problems: ConfigProblem[] = [];
  const gpus = status.gpus ?? [];
  const onCuda = pytorch.device === 'cuda' || (pytorch.device === 'auto' && status.cuda === true);
  if (pytorch.device === 'cuda' && !status.cuda) {
    problems.push(warn('cuda-unavailable', ['pytorch', 'device'], `pytorch.device is cuda, but torch ${status.torch} in ${status.python} sees no CUDA GPU here; the run would fail. Use \`auto\` or \`cpu\`.`, { suggestion: 'auto' }));
  }
  if (onCuda && gpus.length > 0 && pytorch.processes > gpus.length) {
    problems.push(warn('processes-exceed-gpus', ['pytorch', 'processes'], `pytorch.processes is ${pytorch.processes}, but this machine has ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}; each rank takes one GPU.`, { gpus: gpus.length, clampTo: gpus.length }));
  }
  const withoutBf16 = gpus.filter((gpu) => !gpu.bf16);
  if (onCuda && pytorch.precision === 'bf16' && withoutBf16.length > 0) {
    problems.push(warn('bf16-unsupported', ['pytorch', 'precision'], `pytorch.precision is bf16, but ${withoutBf16[0]!.name} has no bfloat16 support (it needs compute capability 8.0 or newer); use fp16 or fp32.`, { suggestion: 'fp16' }));
  }
  return problems;
}
