// backend-unavailable: the config asks for tensorflow or webgpu, and the probe of this machine
// says it will not load; the run would fail or fall back. Skipped when no probe is given.
import type { ConfigProblem } from '../problems.js';
import type { ValidationContext } from './context.js';

const EXPLICIT_GPU_BACKENDS = new Set(['tensorflow', 'webgpu']);

export function backendUnavailable(context: ValidationContext): ConfigProblem[] {
  const { backend, engine } = context.config;
  if (engine === 'pytorch') return []; // ignored-setting says backend is not read
  const probe = context.env.backends?.find((status) => status.name === backend);
  if (!EXPLICIT_GPU_BACKENDS.has(backend) || !probe || probe.available) return [];
  return [{
    code: 'backend-unavailable', severity: 'warning',
    message: `The ${backend} backend does not load here: ${probe.reason}. Use \`auto\` to take the fastest backend that does.`,
    path: ['backend'], range: context.valueRange(['backend']),
    data: { backend, reason: probe.reason, suggestion: 'auto' },
  }];
}
