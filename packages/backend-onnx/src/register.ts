/**
 * Side-effect entry (Node): registers `onnx`, `onnx-cpu` and `onnx-cuda` with @faceattr/core.
 * @packageDocumentation
 */
import { registerOnnxBackends } from './index.js';

registerOnnxBackends();
