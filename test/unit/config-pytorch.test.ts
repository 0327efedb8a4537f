// The pytorch engine's checks against the probed Python (no interpreter, no torch with the install
// command, CUDA asked for but absent, more processes than GPUs, bf16 without support) and the
// hover that shows the interpreter, torch and GPUs; nothing is checked for tfjs configs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configProblems } from '../../server/config/diagnostics.js';
import type { ConfigEnvironment, InterpreterStatus } from '../../server/config/environment.js';
import { hover } from '../../server/config/hover.js';
import { CPU_ONLY_ENV, positionOf } from './config-test-support.js';

const BASE = 'model: resnet50\ndataset: { name: synthetic }\nengine: pytorch\n';
const A100 = { name: 'NVIDIA A100-SXM4-80GB', bf16: true };
const T4 = { name: 'Tesla T4', bf16: false };

function envWith(status: Partial<InterpreterStatus> & { runs: boolean }, seen: (string | undefined)[] = []): ConfigEnvironment {
  return { ...CPU_ONLY_ENV, python: (configured) => { seen.push(configured); return { python: configured ?? 'python3', source: configured ? 'config' : 'default', ...status }; } };
}

const problems = (text: string, env: ConfigEnvironment) => configProblems(text, env).filter((p) => ['python-unavailable', 'torch-missing', 'cuda-unavailable', 'processes-exceed-gpus', 'bf16-unsupported'].includes(p.code));

test('no interpreter, or one without torch: a warning on pytorch.python that says what to do', () => {
  const missing = problems(`${BASE}pytorch: { python: /opt/nope/python3 }\n`, envWith({ runs: false, error: '/opt/nope/python3 was not found' }));
  assert.deepEqual(missing.map((p) => [p.code, p.path.join('.')]), [['python-unavailable', 'pytorch.python']]);
  assert.match(missing[0].message, /\/opt\/nope\/python3 was not found\. Set `pytorch.python`/);
  const noTorch = problems(BASE, envWith({ runs: true, version: '3.12.1', torchError: "ModuleNotFoundError: No module named 'torch'" }));
  assert.deepEqual(noTorch.map((p) => [p.code, p.path.join('.')]), [['torch-missing', 'engine']]);
  assert.match(noTorch[0].message, /python3 \(found on this machine; set pytorch.python to choose another\) \(Python 3.12.1\) has no torch: .*Install it: python3 -m pip install torch torchvision/);
});

test('CUDA asked for but absent; more processes than GPUs; bf16 on a GPU without it', () => {
  const cpuOnly = envWith({ runs: true, torch: '1.13.0', cuda: false, gpus: [] });
  assert.deepEqual(problems(`${BASE}pytorch: { device: cuda }\n`, cpuOnly).map((p) => p.code), ['cuda-unavailable']);
  assert.deepEqual(problems(`${BASE}pytorch: { device: auto, processes: 4, precision: bf16 }\n`, cpuOnly), [], 'auto on a CPU machine runs on the CPU: nothing to flag');
  const twoT4 = envWith({ runs: true, torch: '2.5.1+cu124', cuda: true, gpus: [T4, T4] });
  const flagged = problems(`${BASE}pytorch: { processes: 4, precision: bf16 }\n`, twoT4);
  assert.deepEqual(flagged.map((p) => [p.code, p.path.join('.')]), [['processes-exceed-gpus', 'pytorch.processes'], ['bf16-unsupported', 'pytorch.precision']]);
  assert.match(flagged[0].message, /processes is 4, but this machine has 2 GPUs/);
  assert.match(flagged[1].message, /Tesla T4 has no bfloat16 support/);
  const eightA100 = envWith({ runs: true, torch: '2.11.0', cuda: true, gpus: Array(8).fill(A100) });
  assert.deepEqual(problems(`${BASE}pytorch: { device: cuda, processes: 8, precision: bf16 }\n`, eightA100), []);
});

test('tfjs configs never ask for the Python; until the probe answers nothing is said', () => {
  const seen: (string | undefined)[] = [];
  assert.deepEqual(problems('model: lenet-300-100\ndataset: { name: mnist }\n', envWith({ runs: false }, seen)), []);
  assert.deepEqual(seen, []);
  assert.deepEqual(problems(`${BASE}pytorch: { device: cuda }\n`, { ...CPU_ONLY_ENV, python: () => undefined }), []);
});

test('hover on engine and pytorch keys shows the interpreter, torch and GPUs', () => {
  const text = `${BASE}pytorch:\n  python: /usr/bin/python3\n  device: cuda\n`;
  const env = envWith({ runs: true, executable: '/usr/bin/python3', version: '3.11.2', torch: '2.11.0+cu130', cuda: true, gpus: [A100, T4] });
  for (const needle of ['engine:', 'device:']) {
    const result = hover(text, positionOf(text, needle, 1), env);
    const value = (result?.contents as { value: string }).value;
    assert.match(value, /\*\*Python:\*\* `\/usr\/bin\/python3` 3.11.2/);
    assert.match(value, /\*\*torch:\*\* 2.11.0\+cu130/);
    assert.match(value, /\*\*CUDA GPUs:\*\* 0: NVIDIA A100-SXM4-80GB \(bf16\), 1: Tesla T4/);
  }
  const noTorch = hover(text, positionOf(text, 'engine:', 1), envWith({ runs: true, version: '3.12.1', torchError: "ModuleNotFoundError: No module named 'torch'" }));
  assert.match((noTorch?.contents as { value: string }).value, /\*\*torch:\*\* not installed \(ModuleNotFoundError/);
});
