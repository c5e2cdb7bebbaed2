import type { AttributeModel, FaceDetector, InferenceBackend } from '../plugins.js';
import { PluginRegistry, type PluginFactory, type RegisterOptions } from './registry.js';

export { PluginRegistry } from './registry.js';
export type { PluginEntry, PluginFactory, PluginInfo, PluginOptions, RegisterOptions } from './registry.js';

/** Inference backends by name (`tfjs-wasm`, `onnx`…). */
export const backends = new PluginRegistry<InferenceBackend>('backend', 'BACKEND_UNAVAILABLE', (b) => b.init());
/** Face detectors by name (`mtcnn`, `haar`). */
export const detectors = new PluginRegistry<FaceDetector>('detector', 'DETECTOR_UNAVAILABLE');
/** Attribute models by name. */
export const attributeModels = new PluginRegistry<AttributeModel>('attribute model', 'MODEL_LOAD_FAILED');

/**
 * Registers a backend factory under `name`; higher priority is tried first when no name is given.
 * `options` is the priority, or `{ priority, label, description, aliasOf }`.
 */
export function registerBackend(name: string, factory: PluginFactory<InferenceBackend>, options: number | RegisterOptions = 0): void {
  backends.register(name, factory, options);
}

export function registerDetector(name: string, factory: PluginFactory<FaceDetector>, options: number | RegisterOptions = 0): void {
  detectors.register(name, factory, options);
}

export function registerAttributeModel(name: string, factory: PluginFactory<AttributeModel>, options: number | RegisterOptions = 0): void {
  attributeModels.register(name, factory, options);
}
