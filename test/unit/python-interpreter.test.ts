// Which Python runs the pytorch engine: the config's, else the editor's, else the first candidate
// that has torch; each interpreter probed once; a missing one answers why. The last test probes
// Debian's /usr/bin/python3, which scripts/install-test-deps.sh gives torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PYTHON_CANDIDATES, probePython, PythonProbes, type PythonProbe } from '../../server/runs/python-interpreter.js';

function fakeProbes(known: Record<string, Partial<PythonProbe>>) {
  const asked: string[] = [];
  const probes = new PythonProbes(1000, async (python) => {
    asked.push(python);
    return { python, runs: python in known, ...(known[python] ?? { error: `${python} was not found` }) };
  });
  return { probes, asked };
}

test('without a configured or editor interpreter, the first candidate with torch wins; each is asked once', async () => {
  const { probes, asked } = fakeProbes({ python3: { version: '3.12.1', torchError: 'ModuleNotFoundError' }, '/usr/bin/python3': { version: '3.11.2', torch: '1.13.0' } });
  const chosen = await probes.resolve(undefined, undefined);
  assert.deepEqual([chosen.python, chosen.source, chosen.probe.torch], ['/usr/bin/python3', 'default', '1.13.0']);
  await probes.resolve(undefined, undefined);
  assert.deepEqual(asked.sort(), [...DEFAULT_PYTHON_CANDIDATES].sort());
});

test('the config\'s interpreter, then the editor\'s, are taken as they are, torch or not', async () => {
  const { probes } = fakeProbes({ python3: { torchError: 'ModuleNotFoundError' }, '/usr/bin/python3': { torch: '1.13.0' } });
  assert.deepEqual(await probes.resolve('python3', '/usr/bin/python3').then((r) => [r.python, r.source]), ['python3', 'config']);
  assert.deepEqual(await probes.resolve(undefined, '/venv/bin/python').then((r) => [r.python, r.source, r.probe.runs]), ['/venv/bin/python', 'editor', false]);
});

test('with no candidate having torch, the first that runs is named (its probe says why)', async () => {
  const { probes } = fakeProbes({ python: { version: '3.10.0', torchError: "ModuleNotFoundError: No module named 'torch'" } });
  const chosen = await probes.resolve(undefined, undefined);
  assert.deepEqual([chosen.python, chosen.probe.torchError], ['python', "ModuleNotFoundError: No module named 'torch'"]);
});

test('a real probe: a missing interpreter says so; Debian\'s python3 reports its torch', async () => {
  assert.deepEqual(await probePython('/nonexistent/bin/python3', 5000), { python: '/nonexistent/bin/python3', runs: false, error: '/nonexistent/bin/python3 was not found' });
  const debian = await probePython('/usr/bin/python3', 60_000);
  assert.equal(debian.runs, true, debian.error);
  assert.match(debian.torch ?? '', /^\d+\.\d+/, `torch in /usr/bin/python3 (${debian.torchError ?? ''}); scripts/install-test-deps.sh installs python3-torch`);
  assert.equal(debian.executable, '/usr/bin/python3');
});
