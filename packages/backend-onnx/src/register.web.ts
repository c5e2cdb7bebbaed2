/**
 * Side-effect entry (browsers): registers `onnx`, `onnx-wasm` and `onnx-webgpu` with @faceattr/core.
 * @packageDocumentation
 */
import { registerOnnxBackends } from './index.web.js';

registerOnnxBackends();
