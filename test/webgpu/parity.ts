// Runs one config on a backend in this process and records what the webgpu tier compares with
// the cpu backend: per-step losses, masks after the first update, the zero invariants, memory.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfigText } from '../../server/config/load.js';
import type { MaskEvent, RunEvent, RunSummary, TrainEvent } from '../../server/protocol.js';
import { createRun } from '../../server/rundir/start.js';
import { train } from '../../server/train/trainer.js';
import { deviceScalarBytes, deviceScalarCount } from '../../server/nn/device-scalars.js';

export interface BackendRecord {
  summary: RunSummary;
  /** Loss of every step (log_every is 1). */
  losses: Map<number, number>;
  maskEvents: MaskEvent[];
  /** Each masked layer's mask right after `maskStep`, by name. */
  masks: Map<string, Float32Array>;
  /** Per step: Σ|W| and Σ|momentum| where the mask is 0, over every masked layer. */
  maskedMass: Map<number, { weight: number; momentum: number }>;
  /** Per step, after the step: live tensors and bytes on the device. */
  memory: Map<number, { tensors: number; bytes: number }>;
}

/** The tier's config: `log_every: 1` so each step's loss is reported; `backend` is set per run. */
export function parityConfig(body: string, backend: string) {
  return resolveConfigText(`${body}\nbackend: ${backend}\n`, 'parity.rigl.yaml');
}

/** Trains `body` on `backend` for `maxSteps`, reading masks after `maskStep` (every read asynchronous). */
export async function recordRun(body: string, backend: string, maxSteps: number, maskStep: number): Promise<BackendRecord> {
  const config = parityConfig(body, backend);
  const run = await createRun(mkdtempSync(join(tmpdir(), `rigl-webgpu-${backend}-`)), config);
  const record: BackendRecord = { summary: undefined as unknown as RunSummary, losses: new Map(), maskEvents: [], masks: new Map(), maskedMass: new Map(), memory: new Map() };
  const onEvent = (event: RunEvent) => {
    if (event.type === 'train') record.losses.set(event.step, (event as TrainEvent).loss);
    if (event.type === 'mask') record.maskEvents.push(event as MaskEvent);
  };
  record.summary = await train({
    run, maxSteps, onEvent,
    afterStep: async (step, model, optimizer) => {
      let weight = 0;
      let momentum = 0;
      for (const layer of model.maskedLayers()) {
        if (!layer.mask) continue;
        const [w, m] = tf.tidy(() => {
          const off = tf.sub(1, layer.mask!);
          return [tf.sum(tf.mul(tf.abs(layer.weight), off)), tf.sum(tf.mul(tf.abs(optimizer.momentum.get(layer.name)!), off))];
        });
        weight += (await w.data())[0];
        momentum += (await m.data())[0];
        tf.dispose([w, m]);
        if (step === maskStep) record.masks.set(layer.name, Float32Array.from(await layer.mask.data()));
      }
      record.maskedMass.set(step, { weight, momentum });
      const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      record.memory.set(step, { tensors: memory.numTensors - deviceScalarCount(), bytes: (memory.numBytesInGPU ?? memory.numBytes) - deviceScalarBytes() });
    },
  });
  return record;
}

export function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
}
