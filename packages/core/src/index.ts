/**
 * `@faceattr/core`: the pipeline, plugin interfaces, result types, errors, the model asset
 * format and the pure geometry helpers every detector and backend shares.
 * No dependency on TensorFlow.js or ONNX Runtime.
 * @packageDocumentation
 */
export { FaceAttrError, isFaceAttrError, describeError } from './errors.js';
export type { FaceAttrErrorCode, FaceAttrErrorOptions } from './errors.js';
export { formatValue } from './format-value.js';
export { checkPluginOptions } from './pipeline/option-keys.js';

export * from './types.js';
export type * from './plugins.js';

export { createPipeline } from './pipeline/create-pipeline.js';
export type { FaceAttributePipeline } from './pipeline/face-pipeline.js';
export { CallQueue } from './pipeline/call-queue.js';
export type { PipelineOptions, DetectCallOptions, DetectShrink } from './pipeline/options.js';
export { DEFAULT_ATTRIBUTES } from './pipeline/options.js';

export {
  PluginRegistry,
  backends,
  detectors,
  attributeModels,
  registerBackend,
  registerDetector,
  registerAttributeModel,
} from './registry/index.js';
export type { PluginEntry, PluginFactory, PluginInfo, PluginOptions, RegisterOptions } from './registry/index.js';

export type { ImageInput, RawImage, RgbImage } from './image/image-types.js';
export { toRgbImage, rawToRgb } from './image/to-rgb.js';
export { warpToTensor, warpPlan, cropResizeToTensor, boxToAffine, resizeImage } from './image/sample.js';
export { flipHorizontal } from './image/flip.js';
export { shrinkImage } from './image/shrink-image.js';
export { applyOrientation, swapsSides } from './image/orientation.js';
export type { Orientation } from './image/orientation.js';
export type { SampleOptions, TensorNormalization, WarpPlan } from './image/sample.js';

export { nonMaxSuppression, boxOverlap, iou } from './geometry/nms.js';
export type { OverlapMode } from './geometry/nms.js';
export { regressBox, squareBox, clipBox, scaleBox } from './geometry/box.js';
export {
  estimateSimilarity,
  applyAffine,
  invertAffine,
  alignmentMatrix,
  alignmentError,
  faceTemplate,
  FACE_TEMPLATE_112,
  landmarksToArray,
  arrayToLandmarks,
  estimateLandmarksFromBox,
} from './geometry/align.js';
export type { Affine } from './geometry/align.js';

export { loadModelAsset } from './model/load-asset.js';
export { createModelContext, resolveModelSource, installedAssetFolders, findInstalledAsset, ASSET_PACKAGES } from './model/model-context.js';
export type { ModelLocations } from './model/model-context.js';
export type { ModelSource, InMemoryModel, LoadedModelAsset, LoadOptions } from './model/load-asset.js';
export { MAX_MANIFEST_BYTES } from './model/load-asset.js';
export { validateManifest } from './model/manifest.js';
export type { ModelManifest, ManifestFile, ArtifactKind, ArtifactEntry, TensorSpec } from './model/manifest.js';
export { sha256Hex } from './model/sha256.js';
export { checkRunArguments, expectedInputs, type ExpectedInput } from './model/check-run.js';
export { base64Bytes, instantiateBase64Wasm } from './wasm-module.js';
export { readResource, isNodeRuntime, joinLocation, DEFAULT_MODEL_TIMEOUT_MS } from './model/read-resource.js';
export type { ReadLimits } from './model/read-resource.js';

export { FaceTracker } from './tracking/face-tracker.js';
export type { FaceTrackerSettings, TrackerDetection } from './tracking/face-tracker.js';
export type {
  TrackOptions,
  TrackedFace,
  TrackFrame,
  FrameTimings,
  TrackHandle,
  FrameTracker,
  TrackSource,
  VideoFrameInput,
} from './tracking/track-types.js';
