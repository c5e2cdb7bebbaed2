import { FaceAttrError, createPipeline, type AttributeName, type FaceAttributePipeline, type FaceDetector, type InferenceBackend } from '@faceattr/core';
import { faceAttributes } from '@faceattr/attributes';

export const BACKEND_CHOICES = ['tfjs-wasm', 'tfjs-cpu', 'onnx'] as const;
export const DETECTOR_CHOICES = ['mtcnn', 'haar'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type DetectorChoice = (typeof DETECTOR_CHOICES)[number];

async function makeBackend(name: BackendChoice): Promise<InferenceBackend> {
  if (name === 'onnx') {
    const { onnxBackend } = await import('@faceattr/backend-onnx');
    return onnxBackend();
  }
  const { tfjsBackend } = await import('@faceattr/backend-tfjs');
  return tfjsBackend({ runtime: name === 'tfjs-cpu' ? 'cpu' : 'wasm' });
}

async function makeDetector(name: DetectorChoice, options: Record<string, unknown>): Promise<FaceDetector> {
  if (name === 'haar') {
    const { haar } = await import('@faceattr/detector-haar');
    return haar(options);
  }
  const { mtcnn } = await import('@faceattr/detector-mtcnn');
  return mtcnn(options);
}

export interface PipelineChoice {
  backend: string;
  detector: string;
  attributes: AttributeName[];
  detectorOptions?: Record<string, unknown>;
  /** Average each face's prediction with its mirror image's (a second encoder pass). */
  mirror?: boolean;
}

/** A pipeline from command-line choices, checked against the known names. */
export async function buildPipeline(c: PipelineChoice): Promise<FaceAttributePipeline> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(c.backend)) {
    throw new FaceAttrError('INVALID_OPTIONS', `--backend must be one of ${BACKEND_CHOICES.join(', ')}; got ${JSON.stringify(c.backend)}.`);
  }
  if (!(DETECTOR_CHOICES as readonly string[]).includes(c.detector)) {
    throw new FaceAttrError('INVALID_OPTIONS', `--detector must be one of ${DETECTOR_CHOICES.join(', ')}; got ${JSON.stringify(c.detector)}.`);
  }
  return createPipeline({
    backend: await makeBackend(c.backend as BackendChoice),
    detector: await makeDetector(c.detector as DetectorChoice, c.detectorOptions ?? {}),
    attributeModel: c.attributes.length ? faceAttributes({ mirror: c.mirror ?? false }) : null,
    attributes: c.attributes,
  });
}
