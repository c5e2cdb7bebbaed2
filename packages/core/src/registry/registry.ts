import { FaceAttrError, describeError, type FaceAttrErrorCode } from '../errors.js';

type Factory<T> = () => T | Promise<T>;

interface Entry<T> {
  name: string;
  priority: number;
  factory: Factory<T>;
  /** Set once the factory or init failed here: it is not retried (onnxruntime-common does the same). */
  failure?: unknown;
}

/**
 * A name -> factory table with priorities. Resolving a name creates a fresh instance
 * (plugins are stateful and owned by one pipeline); resolving with no name tries
 * entries by descending priority and reports every failure when none works.
 */
export class PluginRegistry<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(
    readonly kind: string,
    readonly unavailableCode: FaceAttrErrorCode,
    readonly init: (instance: T) => Promise<void> = async () => {},
  ) {}

  register(name: string, factory: Factory<T>, priority = 0): void {
    if (typeof name !== 'string' || !name) throw new FaceAttrError('INVALID_OPTIONS', `A ${this.kind} needs a non-empty name.`);
    const existing = this.#entries.get(name);
    // A higher-priority registration wins; the same priority replaces (re-registration in hot reload).
    if (existing && existing.priority > priority) return;
    this.#entries.set(name, { name, priority, factory });
  }

  names(): string[] {
    return [...this.#entries.values()].sort((a, b) => b.priority - a.priority).map((e) => e.name);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Creates and initialises an instance by name, or the best available one when `names` is empty. */
  async create(names?: string | readonly string[]): Promise<{ name: string; instance: T }> {
    const wanted = names === undefined ? this.names() : typeof names === 'string' ? [names] : [...names];
    if (wanted.length === 0) {
      throw new FaceAttrError(
        this.unavailableCode,
        `No ${this.kind} is registered. Import one (e.g. "@faceattr/backend-tfjs/register") or pass a ${this.kind} object.`,
      );
    }
    const errors: string[] = [];
    for (const name of wanted) {
      const entry = this.#entries.get(name);
      if (!entry) {
        const known = this.names();
        errors.push(`"${name}": unknown (registered: ${known.length ? known.join(', ') : 'none'})`);
        continue;
      }
      if (entry.failure !== undefined) {
        errors.push(`"${name}": ${describeError(entry.failure)}`);
        continue;
      }
      try {
        const instance = await entry.factory();
        await this.init(instance);
        return { name, instance };
      } catch (e) {
        entry.failure = e;
        errors.push(`"${name}": ${describeError(e)}`);
      }
    }
    throw new FaceAttrError(this.unavailableCode, `No usable ${this.kind}. Tried ${errors.join('; ')}.`);
  }

  /** Forgets remembered failures (after the user installed something, say). */
  resetFailures(): void {
    for (const e of this.#entries.values()) delete e.failure;
  }
}
