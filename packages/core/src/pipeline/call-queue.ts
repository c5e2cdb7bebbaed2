/**
 * Runs jobs one at a time, in call order: models and the buffers plugins reuse between calls never
 * see two calls interleaved. A job that fails does not stop the ones after it.
 * Pipelines use one; a plugin used on its own (a detector outside a pipeline) can use another.
 */
export class CallQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #closed: (() => Error) | undefined;

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Runs `job` after every job queued before it has settled; settles as `job` does. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    const start = (): T | Promise<T> => {
      if (this.#closed) throw this.#closed();
      return job();
    };
    const result = this.#tail.then(start, start);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Refuses new and not yet started jobs with `reason()` (e.g. a DISPOSED error); the job running now
   * finishes. Resolves once nothing runs any more, so the caller can then free what jobs use.
   */
  close(reason: () => Error): Promise<void> {
    this.#closed ??= reason;
    return this.idle();
  }

  /** Resolves when every job queued so far has settled. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
