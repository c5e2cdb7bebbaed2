import { registerBackend } from '@faceattr/core';
import type { OnnxBackend } from './onnx-backend.js';
import type { OnnxExecutionProvider } from './ort-runtime.js';

/**
 * Registers `onnx-<provider>` names with the given priorities, and `onnx` as an alias for the
 * entry's default provider (priority 0: it never wins an unnamed pick over the specific names).
 */
export function registerOnnxNames(
  create: (eps: OnnxExecutionProvider[]) => OnnxBackend,
  priorities: Partial<Record<OnnxExecutionProvider, number>>,
  defaultProvider: OnnxExecutionProvider,
): void {
  for (const [ep, priority] of Object.entries(priorities) as [OnnxExecutionProvider, number][]) {
    registerBackend(`onnx-${ep}`, () => create([ep]), priority);
  }
  registerBackend('onnx', () => create([defaultProvider]), 0);
}
