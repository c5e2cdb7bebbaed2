import type { AttributeModel, FaceDetector, InferenceBackend } from '../plugins.js';
import { PluginRegistry, type PluginFactory, type RegisterOptions } from './registry.js';

export { PluginRegistry } from './registry.js';
export type { PluginEntry, PluginFactory, PluginInfo, PluginOptions, RegisterOptions } from './registry.js';

/** Which faceattr package registers a name, for the message when it was not imported (the names live in the packages). */
const packageOf =
  (table: Record<string, string>) =>
  (name: string): string | undefined =>
    Object.entries(table).find(([prefix]) => name === prefix || name.startsWith(`${prefix}-`))?.[1];

/** Inference backends by name (`tfjs-wasm`, `onnx`…). */
export const backends = new PluginRegistry<InferenceBackend>(
  'backend',
  'BACKEND_UNAVAILABLE',
  (b) => b.init(),
  packageOf({ onnx: '@faceattr/backend-onnx', tfjs: '@faceattr/backend-tfjs' }),
  { example: '@faceattr/backend-onnx/register' },
);
/** Face detectors by name (`mtcnn`, `haar`). */
export const detectors = new PluginRegistry<FaceDetector>('detector', 'DETECTOR_UNAVAILABLE', undefined, packageOf({ mtcnn: '@faceattr/detector-mtcnn', haar: '@faceattr/detector-haar' }), {
  example: '@faceattr/detector-mtcnn/register',
});
/** Attribute models by name. */
export const attributeModels = new PluginRegistry<AttributeModel>('attribute model', 'MODEL_LOAD_FAILED', undefined, packageOf({ default: '@faceattr/attributes' }), {
  example: '@faceattr/attributes/register',
  otherwise: 'to find faces without attributes, create the pipeline with attributes: []',
});

/**
 * Registers a backend factory under `name`; higher priority is tried first when no name is given.
 * `options` is the priority, or `{ priority, label, description, aliasOf }`.
 */
export function registerBackend(name: string, factory: PluginFactory<InferenceBackend>, options: number | RegisterOptions = 0): void {
  backends.register(name, factory, options);
}

/** Registers a detector factory under `name`; `options` as in {@link registerBackend}. */
export function registerDetector(name: string, factory: PluginFactory<FaceDetector>, options: number | RegisterOptions = 0): void {
  detectors.register(name, factory, options);
}

/** Registers an attribute model factory under `name`; `options` as in {@link registerBackend}. */
export function registerAttributeModel(name: string, factory: PluginFactory<AttributeModel>, options: number | RegisterOptions = 0): void {
  attributeModels.register(name, factory, options);
}
