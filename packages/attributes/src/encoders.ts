import { faceTemplate, type Point } from '@faceattr/core';

/** How an encoder wants its aligned face: crop size, landmark template, pixel normalisation. */
export interface EncoderSpec {
  /** Asset name of the encoder graph. */
  name: string;
/** Side of the square aligned crop, in pixels. */
  size: number;
  /** Where the five landmarks (eyes, nose tip, mouth corners) land in the crop. */
  template: readonly Point[];
/** Subtracted from each RGB value (0..255) of the crop. */
  mean: readonly [number, number, number];
/** The difference is divided by this. */
  std: number;
/** Name of the graph's image input. */
  input: string;
/** Name of the graph's embedding output. */
  output: string;
/** Length of the embedding. */
  dim: number;
}

/**
 * dlib's face chip: 150x150 with padding 0.25 around its mean face shape. The template is that
 * mean shape's eye centres (mean of the six eyelid points), nose tip and mouth corners mapped
 * into the chip ((0.25 + u) / 1.5 * 150), so MTCNN landmarks land where dlib's aligner puts them.
 */
export const DLIB_RESNET_128: EncoderSpec = {
  name: 'dlib-resnet-128',
  size: 150,
  template: [
    { x: 47.55, y: 46.6 },
    { x: 100.48, y: 46.6 },
    { x: 74.01, y: 76.56 },
    { x: 50.41, y: 103.02 },
    { x: 97.61, y: 103.02 },
  ],
  mean: [122.782, 117.001, 104.298],
  std: 256,
  input: 'input',
  output: 'embedding',
  dim: 128,
};

/**
 * dlib's ResNet fine-tuned on UTKFace (train split) for age, gender and race, with its heads
 * (`heads-dlib-resnet-128-utk`); same topology, chip and normalisation as {@link DLIB_RESNET_128}.
 * Its embedding is an attribute embedding, no longer an identity descriptor. The weights inherit
 * UTKFace's terms: non-commercial research only (docs/model-cards/dlib-resnet-128-utk.md).
 */
export const DLIB_RESNET_128_UTK: EncoderSpec = { ...DLIB_RESNET_128, name: 'dlib-resnet-128-utk' };

/**
 * HSE FaceRes was trained on VGGFace2's loose face boxes, not on landmark-aligned chips, so faces are
 * aligned to the common 5-point template with 30% margin, which frames the face like those boxes.
 */
export const FACERES_1024: EncoderSpec = {
  name: 'faceres-1024',
  size: 224,
  template: faceTemplate(224, 0.3),
  mean: [0, 0, 0],
  std: 1,
  input: 'input_1',
  output: 'global_pooling/Mean',
  dim: 1024,
};

/** The encoders `faceAttributes({ encoder })` knows, by asset name. */
export const ENCODERS: Readonly<Record<string, EncoderSpec>> = {
  [DLIB_RESNET_128.name]: DLIB_RESNET_128,
  [DLIB_RESNET_128_UTK.name]: DLIB_RESNET_128_UTK,
  [FACERES_1024.name]: FACERES_1024,
};

/** Age bins of the age head: one per year 0..100 (older faces count as 100). */
export const AGE_BINS = 101;
