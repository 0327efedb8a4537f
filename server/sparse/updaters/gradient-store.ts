// Per-layer gradient tensors an updater keeps between steps (rigl's sums, snfs's moving average),
// kept out of the caller's tidy scopes, with checkpoint snapshot and restore under a key prefix.
import * as tf from '@tensorflow/tfjs-core';

export class GradientStore {
  private readonly tensors = new Map<string, tf.Tensor>();

  /** `prefix` names the state keys: prefix + layer name. */
  constructor(private readonly prefix: string) {}

  get(name: string): tf.Tensor | undefined {
    return this.tensors.get(name);
  }

  /** Replaces a layer's tensor by next(previous), computed in its own tidy; the previous one is disposed. */
  update(name: string, next: (previous: tf.Tensor | undefined) => tf.Tensor): void {
    const previous = this.tensors.get(name);
    const value = tf.keep(tf.tidy(() => next(previous)));
    this.tensors.set(name, value);
    previous?.dispose();
  }

  clear(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    this.tensors.clear();
  }

  /**
   * The live tensors under their state keys, for a checkpoint writer to read (like model
   * variables): not copies, so the caller must not dispose them, and they are valid until the
   * next update of the store.
   */
  snapshot(): Map<string, tf.Tensor> {
    const state = new Map<string, tf.Tensor>();
    for (const [name, tensor] of this.tensors) state.set(this.prefix + name, tensor);
    return state;
  }

  /** Replaces everything with copies of the entries under this store's prefix (others are ignored). */
  restore(state: ReadonlyMap<string, tf.Tensor>): void {
    const copies = new Map<string, tf.Tensor>();
    for (const [key, tensor] of state) {
      if (key.startsWith(this.prefix)) copies.set(key.slice(this.prefix.length), tf.keep(tf.clone(tensor)));
    }
    // Copy first: `state` may be this store's own snapshot.
    this.clear();
    for (const [name, tensor] of copies) this.tensors.set(name, tensor);
  }
}
