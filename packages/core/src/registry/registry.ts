import { FaceAttrError, describeError, type FaceAttrErrorCode } from '../errors.js';

/** Options a caller passes through {@link PluginRegistry.create} to a plugin's factory; the plugin validates them. */
export type PluginOptions = Readonly<Record<string, unknown>>;

/** Creates a plugin instance from the options given to {@link PluginRegistry.create} (none for an unnamed pick). */
export type PluginFactory<T> = (options?: PluginOptions) => T | Promise<T>;

/** What pickers and help texts show for an entry. */
export interface PluginInfo {
  /** A human name, e.g. "TensorFlow.js WebGL". Default: the entry's name. */
  label?: string;
/** A sentence on when to pick it, for help texts. */
  description?: string;
  /** Set on an alias (`onnx`): the name it stands for (`onnx-cpu`), so lists can show it once. */
  aliasOf?: string;
}

/** How {@link PluginRegistry.register} lists an entry: its priority and {@link PluginInfo}. */
export interface RegisterOptions extends PluginInfo {
  /** Higher is tried first when no name is given. Default 0. */
  priority?: number;
}

/** One registered entry, as {@link PluginRegistry.entries} lists it. */
export interface PluginEntry extends PluginInfo {
/** The registered name. */
  readonly name: string;
/** Higher is tried first when no name is given. */
  readonly priority: number;
/** The label given at registration, or the name. */
  readonly label: string;
}

interface Entry<T> {
  info: PluginEntry;
  factory: PluginFactory<T>;
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
/** What the registry holds (`backend`, `detector`...), for messages. */
    readonly kind: string,
/** The error code when no entry can be created. */
    readonly unavailableCode: FaceAttrErrorCode,
/** Run on each new instance before `create` returns it (backends: `init()`). */
    readonly init: (instance: T) => Promise<void> = async () => {},
    /** The package whose `/register` entry registers a well-known name, for the "unknown name" message. */
    readonly packageOf: (name: string) => string | undefined = () => undefined,
    /** For the "none registered" message: a `/register` entry to import, and what else the caller can do. */
    readonly empty: {
      /** A `/register` entry that registers one. */
      example?: string;
      /** What else the caller can do, appended to the message. */
      otherwise?: string;
    } = {},
  ) {}

  /** `options`: the priority, or the priority with a label, description and alias target. */
  register(name: string, factory: PluginFactory<T>, options: number | RegisterOptions = 0): void {
    if (typeof name !== 'string' || !name) throw new FaceAttrError('INVALID_OPTIONS', `A ${this.kind} needs a non-empty name.`);
    if (typeof factory !== 'function') throw new FaceAttrError('INVALID_OPTIONS', `The ${this.kind} "${name}" needs a factory function.`);
    const o: RegisterOptions = typeof options === 'number' ? { priority: options } : options;
    const priority = o.priority ?? 0;
    if (!Number.isFinite(priority)) throw new FaceAttrError('INVALID_OPTIONS', `The ${this.kind} "${name}" has priority ${priority}; use a finite number.`);
    const existing = this.#entries.get(name);
    // A higher-priority registration wins; the same priority replaces (re-registration in hot reload).
    if (existing && existing.info.priority > priority) return;
    this.#entries.set(name, { info: { name, priority, label: o.label ?? name, description: o.description, aliasOf: o.aliasOf }, factory });
  }

  /** Every entry with its label, highest priority first. */
  entries(): PluginEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e.info })).sort((a, b) => b.priority - a.priority);
  }

/** Every registered name, highest priority first. */
  names(): string[] {
    return this.entries().map((e) => e.name);
  }

/** The entry registered as `name`, if any. */
  get(name: string): PluginEntry | undefined {
    const e = this.#entries.get(name);
    return e && { ...e.info };
  }

/** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /**
   * Creates and initialises an instance by name, or the best available one when `names` is empty,
   * passing `options` to the factory. Failures are remembered only for option-less calls (options
   * may be what failed, or what fixes it); INVALID_OPTIONS caused by given options is thrown as is.
   */
  async create(names?: string | readonly string[], options?: PluginOptions): Promise<{
    /** The name that worked. */
    name: string;
    /** The new, initialised instance; the caller owns it. */
    instance: T;
  }> {
    const wanted = names === undefined ? this.names() : typeof names === 'string' ? [names] : [...names];
    if (wanted.length === 0) {
      throw new FaceAttrError(
        this.unavailableCode,
        `No ${this.kind} is registered. Import one${this.empty.example ? ` (e.g. "${this.empty.example}")` : "'s /register entry"} or pass ${article(this.kind)} ${this.kind} object${this.empty.otherwise ? `; ${this.empty.otherwise}` : ''}.`,
      );
    }
    const errors: string[] = [];
    for (const name of wanted) {
      const entry = this.#entries.get(name);
      if (!entry) {
        const known = this.names();
        const pkg = this.packageOf(name);
        const how = pkg ? `import '${pkg}/register' first, or pass ${article(this.kind)} ${this.kind} object` : `if a package provides it, import its /register entry first`;
        errors.push(`"${name}": unknown (registered: ${known.length ? known.join(', ') : 'none'}); ${how}`);
        continue;
      }
      if (options === undefined && entry.failure !== undefined) {
        errors.push(`"${name}": ${describeError(entry.failure)}`);
        continue;
      }
      try {
        const instance = await entry.factory(options);
        await this.init(instance);
        return { name, instance };
      } catch (e) {
        if (options !== undefined && e instanceof FaceAttrError && e.code === 'INVALID_OPTIONS') throw e;
        if (options === undefined) entry.failure = e;
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

/** 'a' or 'an' before a plugin kind, for messages. */
function article(kind: string): string {
  return /^[aeiou]/i.test(kind) ? 'an' : 'a';
}
