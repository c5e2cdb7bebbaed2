/**
 * The worker thread of {@link createPipelinePool}: builds one pipeline from the serializable spec it
 * is started with and runs one task at a time (so a crash loses at most one job).
 * @internal
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { findInstalledAsset, type FaceAttributePipeline, type RgbImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { writeAnnotated } from '../annotate.js';
import { buildPipeline } from '../build-pipeline.js';
import { cropSpecOf, writeCrops, type CropSpec } from '../crops.js';
import { padChip } from '../eval/utkface.js';
import { serializeError, type FileDetection, type PipelineSpec, type PoolModelInfo, type WorkerReply, type WorkerTask } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('@faceattr/cli/pool-worker runs only as a worker thread of createPipelinePool().');
const post = (m: WorkerReply) => port.postMessage(m);
// Fault injection for the crash tests: a task whose file name contains this marker ends the thread.
const crashMarker = process.env['FACEATTR_POOL_CRASH_MARKER'];

async function assetVersions(attributeModel: string | undefined): Promise<string[]> {
  if (!attributeModel) return [];
  return Promise.all(
    attributeModel.split('+').map(async (name) => {
      try {
        const dir = await findInstalledAsset(name);
        if (!dir) return `${name}@unknown`;
        const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { version?: string };
        return `${name}@${m.version ?? 'unknown'}`;
      } catch {
        return `${name}@unknown`;
      }
    }),
  );
}

async function runTask(pipeline: FaceAttributePipeline, t: WorkerTask): Promise<FileDetection> {
  const t0 = performance.now();
  if (t.kind === 'image') {
    const faces = await pipeline.detect(t.image);
    return { width: t.image.width, height: t.image.height, faces, ms: performance.now() - t0 };
  }
  const name = t.name ?? (typeof t.source === 'string' ? t.source : 'image');
  if (crashMarker && name.includes(crashMarker)) process.exit(70);
  const decoded = await decodeImage(t.source, { name });
  const image: RgbImage = t.padChip ? padChip(decoded) : decoded;
  const faces = await pipeline.detect(image);
  if (t.annotate) await writeAnnotated(image, faces, t.annotate);
  if (t.crops) await writeCrops(image, faces, t.crops, cropSpec!);
  return { width: image.width, height: image.height, faces, ms: performance.now() - t0 };
}

// The attribute model's alignment, for --crops (the encoder the spec names).
let cropSpec: CropSpec | undefined;

async function start(): Promise<void> {
  let pipeline: FaceAttributePipeline;
  try {
    const spec = workerData as PipelineSpec;
    cropSpec = cropSpecOf(spec.encoder);
    pipeline = await buildPipeline({ ...spec, attributes: spec.attributes ?? ['age', 'gender'] });
    const info: PoolModelInfo = {
      backend: pipeline.backendName,
      detector: pipeline.detectorName,
      ...(pipeline.attributeModelName ? { attributeModel: pipeline.attributeModelName } : {}),
      assets: await assetVersions(pipeline.attributeModelName),
    };
    post({ type: 'ready', info });
  } catch (e) {
    post({ type: 'init-failed', error: serializeError(e) });
    return;
  }
  port!.on('message', (t: WorkerTask | { kind: 'close' }) => {
    if (t.kind === 'close') {
      void pipeline.dispose().finally(() => port!.close());
      return;
    }
    runTask(pipeline, t).then(
      (result) => post({ type: 'done', id: t.id, result }),
      (e: unknown) => post({ type: 'failed', id: t.id, error: serializeError(e) }),
    );
  });
}

void start();
