/**
 * training/ (PyTorch) against the shipped assets: the PyTorch re-implementation of dlib's ResNet, loaded
 * from an asset's weights, gives the ONNX asset's embeddings on real aligned faces within 1e-4 relative;
 * and the trainer runs end to end on a few UTKFace chips. Both need /usr/bin/python3 with torch and onnx
 * (Debian: apt-get install -y python3-torch python3-onnx) and skip with a message without them; CI
 * does not train. (ONNX vs tfjs for every built asset: packages/backend-onnx's parity test.)
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { onnxBackend } from '@faceattr/backend-onnx';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
import { assetsDir, builtAsset, demoPhoto, hasUtkface, REPO_ROOT, UTKFACE_DIR } from '@faceattr/test-support';

const PYTHON = '/usr/bin/python3';
const TRAINING = join(REPO_ROOT, 'training');
const probe = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' }) : undefined;
const hasTorch = probe?.status === 0;
if (hasTorch && !hasUtkface()) console.warn(`trainer smoke test skipped: UTKFace not found at ${UTKFACE_DIR}`);
if (!hasTorch) console.warn(`encoder parity / trainer smoke tests skipped: ${PYTHON} cannot import torch and onnx (apt-get install -y python3-torch python3-onnx)`);

function python(args: string[]) {
  const r = spawnSync(PYTHON, args, { cwd: TRAINING, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Writes aligned crops of the demo photos' faces and `encoder`'s ONNX embeddings of them where parity.py reads them.
 * From the repository's full float32 build (the published packages round the dlib encoders to float16:
 * packages/tools/src/float16-parity.test.ts owns that comparison).
 */
async function writeReference(encoder: string, dir: string): Promise<number> {
  const attrs = faceAttributes({ encoder });
  const pipeline = await createPipeline({ backend: onnxBackend(), detector: mtcnn(), attributeModel: attrs, attributes: [], modelBasePath: assetsDir() });
  const crops: Float32Array[] = [];
  const embeddings: Float32Array[] = [];
  try {
    for (const n of [1, 2]) {
      const img = await decodeImage(demoPhoto(n));
      const faces = (await pipeline.detect(img, { attributes: [] })).slice(0, 4);
      const aligned = attrs.alignBatch(img, faces.map((f) => f.landmarks));
      crops.push(aligned);
      embeddings.push(...(await attrs.encodeAligned(aligned, faces.length)));
    }
  } finally {
    await pipeline.dispose();
  }
  const bytes = (parts: Float32Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  writeFileSync(join(dir, 'ref-crops.f32'), bytes(crops));
  writeFileSync(join(dir, 'ref-embeddings.f32'), bytes(embeddings));
  writeFileSync(join(dir, 'ref.json'), JSON.stringify({ encoder, n: embeddings.length, size: attrs.spec.size, dim: attrs.spec.dim }));
  return embeddings.length;
}

describe.skipIf(!hasTorch)('training/: PyTorch dlib ResNet vs the ONNX assets', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faceattr-parity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dlib-resnet-128: PyTorch loaded from the ONNX asset equals the asset within 1e-4 relative', async () => {
    expect(await writeReference('dlib-resnet-128', dir)).toBeGreaterThanOrEqual(4);
    const r = JSON.parse(python(['-m', 'faceattr_train.parity', dir, '--onnx', join(builtAsset('dlib-resnet-128'), 'model.onnx')])) as { max_rel: number };
    expect(r.max_rel).toBeLessThan(1e-4);
  }, 120_000);

  const src = join(REPO_ROOT, 'packages', 'tools', 'encoder-src', 'dlib-resnet-128-utk');
  it('dlib-resnet-128-utk: PyTorch from encoder-src/ equals the built ONNX asset within 1e-4 relative', async () => {
    expect(await writeReference('dlib-resnet-128-utk', dir)).toBeGreaterThanOrEqual(4);
    const r = JSON.parse(python(['-m', 'faceattr_train.parity', dir, '--encoder-src', src])) as { max_rel: number };
    expect(r.max_rel).toBeLessThan(1e-4);
  }, 120_000);
});

describe.skipIf(!hasTorch || !hasUtkface())('training/: trainer smoke test on a few UTKFace chips', () => {
  it('exports chips through the library path, runs two short epochs and averages their weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faceattr-train-'));
    try {
      const script = join(REPO_ROOT, 'packages', 'eval', 'train', 'export-chips.ts');
      await Promise.all(['train', 'val'].map((split) =>
        promisify(execFile)('npx', ['tsx', '--conditions=@faceattr/source', script, '--split', split, '--limit', '12', '--dataset', UTKFACE_DIR, '--out', dir], { cwd: REPO_ROOT, timeout: 90_000 }),
      ));
      python(['-m', 'faceattr_train.train', '--out', join(dir, 'run'), '--cache', dir, '--epochs', '2', '--batch', '4', '--threads', '1']);
      type Row = { age_mae: number; gender_acc: number; race_acc: number };
      const report = JSON.parse(readFileSync(join(dir, 'run', 'report.json'), 'utf8')) as { history: Row[] };
      expect(report.history).toHaveLength(3);
      expect(Number.isFinite(report.history[2]!.age_mae)).toBe(true);
      expect(existsSync(join(dir, 'run', 'final.pt'))).toBe(true);
      // weight averaging (soup.py): each input evaluated alone reproduces the trainer's own val numbers, and the average is a model of its own
      python(['-m', 'faceattr_train.soup', '--out', join(dir, 'soup'), '--cache', dir, '--threads', '1', join(dir, 'run', 'epoch1.pt'), join(dir, 'run', 'epoch2.pt')]);
      const soup = JSON.parse(readFileSync(join(dir, 'soup', 'report.json'), 'utf8')) as { alone: Row[]; final_val: Row; prediction_ensemble: Row };
      expect(soup.alone.map((r) => r.age_mae)).toEqual([report.history[1]!.age_mae, report.history[2]!.age_mae]);
      expect(Number.isFinite(soup.final_val.age_mae)).toBe(true);
      expect(Number.isFinite(soup.prediction_ensemble.age_mae)).toBe(true);
      expect(existsSync(join(dir, 'soup', 'final.pt'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
