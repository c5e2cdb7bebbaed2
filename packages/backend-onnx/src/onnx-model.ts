import { FaceAttrError, checkRunArguments, describeError, expectedInputs, type ExpectedInput, type ModelHandle, type TensorData, type TensorSpec } from '@faceattr/core';
import type { OrtRuntime, OrtSession, OrtTensor } from './ort-runtime.js';

/** A loaded ONNX model: one ONNX Runtime session. */
export class OnnxModel implements ModelHandle {
  #session: OrtSession | undefined;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #expected: ReadonlyMap<string, ExpectedInput>;

  constructor(
    readonly name: string,
    session: OrtSession,
    inputSpecs: readonly TensorSpec[],
    private readonly runtime: OrtRuntime,
    private readonly backendName: string,
    private readonly onRelease: (m: OnnxModel) => void,
  ) {
    this.#session = session;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.#expected = expectedInputs(this.inputNames, inputSpecs, (n) => session.inputMetadata?.find((m) => m.name === n)?.shape);
  }

  async run(feeds: Readonly<Record<string, TensorData>>, outputs?: readonly string[]): Promise<Record<string, TensorData>> {
    const session = this.#session;
    if (!session) throw new FaceAttrError('DISPOSED', `Model "${this.name}" was released; load it again.`);
    const names = checkRunArguments(this, feeds, outputs, (n) => this.#expected.get(n));
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [k, v] of Object.entries(feeds)) {
      ortFeeds[k] = this.runtime.tensor(v.data instanceof Int32Array ? 'int32' : 'float32', v.data, v.shape);
    }
    let results: Record<string, OrtTensor>;
    const running = session.run(ortFeeds, names);
    this.#inflight.add(running);
    try {
      results = await running;
    } catch (e) {
      if (!this.#session) throw new FaceAttrError('DISPOSED', `Model "${this.name}" was released during a run.`, { cause: e });
      throw new FaceAttrError('INFERENCE_FAILED', `Running "${this.name}" on ${this.backendName} failed: ${describeError(e)}`, { cause: e });
    } finally {
      this.#inflight.delete(running);
    }
    const out: Record<string, TensorData> = {};
    try {
      for (const n of names) {
        const t = results[n];
        if (!t) throw new FaceAttrError('INFERENCE_FAILED', `${this.backendName} returned no output "${n}" for "${this.name}".`);
        out[n] = { data: toOwnedArray(t, n, this.name), shape: [...t.dims] };
      }
    } finally {
      for (const t of Object.values(results)) t.dispose?.();
    }
    return out;
  }

  async release(): Promise<void> {
    const s = this.#session;
    if (!s) return;
    this.#session = undefined;
    this.onRelease(this);
    // Runs already started finish first: freeing a session under a running inference is unsafe.
    await Promise.allSettled([...this.#inflight]);
    await s.release();
  }
}

/** Copies an output into a float32/int32 array the caller owns (ONNX Runtime may reuse its buffers). */
function toOwnedArray(t: OrtTensor, output: string, model: string): Float32Array | Int32Array {
  const d = t.data;
  if (d instanceof Float32Array) return d.slice();
  if (d instanceof Int32Array) return d.slice();
  if (d instanceof BigInt64Array) return Int32Array.from(d, (v) => Number(v));
  if (d instanceof Float64Array || d instanceof Uint8Array || d instanceof Int8Array || d instanceof Uint16Array || d instanceof Int16Array) {
    return t.type === 'float64' ? Float32Array.from(d) : Int32Array.from(d);
  }
  throw new FaceAttrError('INFERENCE_FAILED', `Output "${output}" of "${model}" has type ${t.type}, which faceattr cannot pass on (float32/int32 expected).`);
}
