/**
 * `@faceattr/models`: the model assets faceattr ships, where they are installed, and the
 * attribute model (encoder + age/gender/race heads) that runs them. No side effects; import
 * `@faceattr/models/register` to register the attribute model as `default`.
 * @packageDocumentation
 */
export { MODEL_NAMES, modelLocation } from './locate.js';
export type { ModelName } from './locate.js';
export { FaceAttributes, faceAttributes, DEFAULT_FACE_ATTRIBUTES } from './attributes/face-attributes.js';
export type { FaceAttributesOptions } from './attributes/face-attributes.js';
export { ENCODERS, DLIB_RESNET_128, FACERES_1024, AGE_BINS } from './attributes/encoders.js';
export type { EncoderSpec } from './attributes/encoders.js';
export { decodeAge, decodeGender, decodeRace } from './attributes/decode-heads.js';
