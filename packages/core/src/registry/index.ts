import type { AttributeModel, FaceDetector, InferenceBackend } from '../plugins.js';
import { PluginRegistry } from './registry.js';

export { PluginRegistry } from './registry.js';

/** Inference backends by name (`tfjs-wasm`, `onnx`…). */
export const backends = new PluginRegistry<InferenceBackend>('backend', 'BACKEND_UNAVAILABLE', (b) => b.init());
/** Face detectors by name (`mtcnn`, `haar`). */
export const detectors = new PluginRegistry<FaceDetector>('detector', 'DETECTOR_UNAVAILABLE');
/** Attribute models by name. */
export const attributeModels = new PluginRegistry<AttributeModel>('attribute model', 'MODEL_LOAD_FAILED');

/** Registers a backend factory under `name`; higher priority is tried first when no name is given. */
export function registerBackend(name: string, factory: () => InferenceBackend | Promise<InferenceBackend>, priority = 0): void {
  backends.register(name, factory, priority);
}

export function registerDetector(name: string, factory: () => FaceDetector | Promise<FaceDetector>, priority = 0): void {
  detectors.register(name, factory, priority);
}

export function registerAttributeModel(name: string, factory: () => AttributeModel | Promise<AttributeModel>, priority = 0): void {
  attributeModels.register(name, factory, priority);
}
