import { FaceAttrError, describeError, type FaceAttrErrorCode } from '../errors.js';
import type { AttributeModel, FaceDetector, InferenceBackend } from '../plugins.js';

/** The plugins one pipeline owns and releases. */
export interface PipelinePlugins {
  backend: InferenceBackend;
  detector: FaceDetector;
  attributeModel: AttributeModel | undefined;
}

/** A plugin's failure as a FaceAttrError: its own when it threw one, else `code` with `what` and the cause. */
export function pluginError(e: unknown, code: FaceAttrErrorCode, what: string): FaceAttrError {
  return e instanceof FaceAttrError ? e : new FaceAttrError(code, `${what} failed: ${describeError(e)}`, { cause: e });
}

/** Disposes each plugin in the order given (models before the backend they run on); returns the errors instead of stopping at the first. */
export async function disposeEach(plugins: readonly ({ dispose(): Promise<void> } | undefined)[]): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const p of plugins) {
    try {
      await p?.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  return errors;
}
