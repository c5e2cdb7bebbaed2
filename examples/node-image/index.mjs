// The README quick start: node examples/node-image/index.mjs [photo.jpg]
import { fileURLToPath } from 'node:url';
import { createPipeline } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { tfjsBackend } from '@faceattr/backend-tfjs';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';

const photo =
  process.argv[2] ?? fileURLToPath(new URL('../../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url));

const pipeline = await createPipeline({
  backend: tfjsBackend({ runtime: 'wasm' }),
  detector: mtcnn(),
  attributeModel: faceAttributes(),
  attributes: ['age', 'gender'],
});
try {
  const image = await decodeImage(photo);
  const faces = await pipeline.detect(image);
  console.log(`${photo}: ${faces.length} face(s)`);
  for (const f of faces) {
    const { x, y, width, height } = f.box;
    console.log(
      `  at ${Math.round(x)},${Math.round(y)} ${Math.round(width)}x${Math.round(height)}: ` +
        `${f.gender.label} (${(f.gender.probability * 100).toFixed(0)}%), age ${f.age.years.toFixed(0)} ± ${f.age.uncertainty.toFixed(0)}`,
    );
  }
} finally {
  // Releases every model and tensor (in TypeScript 5.2+, `await using pipeline = ...` does this).
  await pipeline.dispose();
}
