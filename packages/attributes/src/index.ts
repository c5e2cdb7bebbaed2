/**
 * `@faceattr/attributes`: the attribute model. One encoder pass per aligned face gives an
 * embedding; a small heads graph reads it and returns an age distribution, a gender probability
 * and a 5-way race distribution. No side effects; import `@faceattr/attributes/register` to
 * register it as `default`. Its assets (`dlib-resnet-128`, `heads-dlib-resnet-128`, ...) come from
 * where the pipeline finds models (the installed @faceattr/assets package by default).
 * @packageDocumentation
 */
export { FaceAttributes, faceAttributes, mirrorCrops, DEFAULT_FACE_ATTRIBUTES } from './face-attributes.js';
export type { FaceAttributesOptions } from './face-attributes.js';
export { ENCODERS, DLIB_RESNET_128, DLIB_RESNET_128_UTK, FACERES_1024, AGE_BINS } from './encoders.js';
export type { EncoderSpec } from './encoders.js';
export { decodeAge, decodeGender, decodeRace } from './decode-heads.js';
