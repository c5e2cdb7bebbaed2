/**
 * `@faceattr/detector-mtcnn`: the MTCNN face detector (P-Net, R-Net, O-Net cascade with five
 * landmarks) on any faceattr inference backend. No side effects; import
 * `@faceattr/detector-mtcnn/register` to register it as `mtcnn`.
 * @packageDocumentation
 */
export { MtcnnDetector, mtcnn } from './detector.js';
export { DEFAULT_MTCNN_OPTIONS, resolveMtcnnOptions } from './options.js';
export type { MtcnnOptions, ResolvedMtcnnOptions } from './options.js';
export { pyramidLevels } from './pyramid.js';
export { UTKFACE_TEMPLATE_200 } from './utkface-template.js';
export { OnetStage, loadOnetStage, ONET_MODEL_NAME } from './onet-stage.js';
export type { OnetResult } from './onet-stage.js';
