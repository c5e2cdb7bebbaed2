import { createPipeline, type AttributeName, type FaceAttributePipeline } from '@faceattr/core';
import { faceAttributes } from '@faceattr/attributes';
import { createBackend, createDetector, defaultModelBase, type BackendChoice, type DetectorChoice } from './backends.js';

/** A pipeline as the harness and its worker build it: plain data, so it can be posted to a worker. */
export interface PipelineSpec {
  backend: BackendChoice;
  detector: DetectorChoice;
  attributes?: AttributeName[];
  threads?: number;
  minFaceSize?: number;
  /** faceAttributes({ batchSize }): faces per encoder call (default 8). */
  batchSize?: number;
}

/** Creates the pipeline `spec` describes, loading models from `modelBase` (a worker passes the page's). */
export async function openPipeline(spec: PipelineSpec, modelBase = defaultModelBase()): Promise<FaceAttributePipeline> {
  const backend = await createBackend(spec.backend, spec.threads !== undefined ? { threads: spec.threads } : {});
  return createPipeline({
    backend,
    detector: await createDetector(spec.detector, spec.minFaceSize !== undefined ? { minFaceSize: spec.minFaceSize } : {}),
    attributeModel: faceAttributes(spec.batchSize !== undefined ? { batchSize: spec.batchSize } : {}),
    attributes: spec.attributes ?? ['age', 'gender'],
    modelBasePath: modelBase,
  });
}
