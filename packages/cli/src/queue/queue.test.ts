// Issue 17, part 2: BullMQ on a real redis-server, real worker processes (the built CLI), real models.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeImage } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { DEMO_DIR, demoFaces, rng } from '@faceattr/test-support';
import { REDIS_SERVER, spawnCli, startRedis, type RedisServer, type SpawnedCli } from '../../test/support.js';
import { openQueue, queueStatus, type QueueResult, type QueueStatus } from './queue.js';

const IMAGES = 300;
const WORKER = ['--backend', 'onnx', '--min-face-size', '40', '--jobs', '1', '--stall-ms', '4000'];
if (!existsSync(REDIS_SERVER)) console.warn(`Skipping the queue tests: no ${REDIS_SERVER} (apt-get install -y redis-server; .ci/run installs it).`);

/** The demo photos' faces, one per 160x160 JPEG (a square of twice the face box around it, clamped to the photo). */
async function faceChips(): Promise<Buffer[]> {
  const chips: Buffer[] = [];
  for (const { file, faces } of demoFaces().samples) {
    const src = await decodeImage(join(DEMO_DIR, file));
    for (const f of faces) {
      const side = Math.round(Math.min(2 * Math.max(f.width, f.height), src.width, src.height));
      const x0 = Math.round(Math.min(Math.max(0, f.x + f.width / 2 - side / 2), src.width - side));
      const y0 = Math.round(Math.min(Math.max(0, f.y + f.height / 2 - side / 2), src.height - side));
      const crop = new Uint8Array(side * side * 3);
      for (let r = 0; r < side; r++) crop.set(src.data.subarray(((y0 + r) * src.width + x0) * 3, ((y0 + r) * src.width + x0 + side) * 3), r * side * 3);
      const img = resizeImage({ data: crop, width: side, height: side, channels: 3 }, 160, 160);
      const rgba = new Uint8Array(160 * 160 * 4).fill(255);
      for (let i = 0; i < 160 * 160; i++) rgba.set(img.data.subarray(i * 3, i * 3 + 3), i * 4);
      chips.push(Buffer.from(jpeg.encode({ data: rgba, width: 160, height: 160 }, 90).data));
    }
  }
  return chips;
}

/** `n` distinct face JPEGs (bytes after the end-of-image marker, as some cameras write, give each its own hash). */
async function writePhotos(dir: string, n: number, tag: number): Promise<string[]> {
  const chips = await faceChips();
  return Array.from({ length: n }, (_, i) => {
    const file = join(dir, `t${tag}-${String(i).padStart(3, '0')}.jpg`);
    writeFileSync(file, Buffer.concat([chips[i % chips.length]!, Buffer.from(file)]));
    return file;
  });
}

describe.skipIf(!existsSync(REDIS_SERVER))('faceattr queue + worker on a real redis-server (2 worker processes, one SIGKILLed)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'faceattr-queue-'));
  const dir = join(tmp, 'photos');
  let redis: RedisServer;
  let good: string[];
  let bad: string[];
  const workers: SpawnedCli[] = [];
  const cli = async (...args: string[]) => {
    const p = spawnCli([...args, '--redis', redis.url]);
    const code = await p.exited;
    return { code, stdout: p.stdout, stderr: p.stderr };
  };
  const status = async (): Promise<QueueStatus> => {
    const q = openQueue(redis.url);
    try {
      return await queueStatus(q);
    } finally {
      await q.close();
    }
  };
  const until = async (test: (s: QueueStatus) => boolean, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    for (let s = await status(); ; s = await status()) {
      if (test(s)) return s;
      if (Date.now() > end) throw new Error(`queue stuck at ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    redis = await startRedis();
    mkdirSync(dir);
    good = await writePhotos(dir, IMAGES - 5, 0);
    // Planted bad files: each distinct, each must fail once with its FaceAttrError code and message.
    const r = rng(17);
    bad = ['bad-truncated.jpg', 'bad-random.jpg', 'bad-empty.jpg', 'bad-text.png', 'bad-header.png'].map((n) => join(dir, n));
    writeFileSync(bad[0]!, readFileSync(good[0]!).subarray(0, 2000));
    writeFileSync(bad[1]!, Uint8Array.from({ length: 5000 }, () => Math.floor(r() * 256)));
    writeFileSync(bad[2]!, new Uint8Array(0));
    writeFileSync(bad[3]!, 'not a picture\n');
    writeFileSync(bad[4]!, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('every image gets exactly one result although a worker is SIGKILLed mid-run; the failures are exactly the planted files', async () => {
    const added = await cli('queue', 'add', dir);
    expect(added.stdout).toBe(`added ${IMAGES} job(s); 0 already queued\n`);
    const [a, b] = [spawnCli(['worker', '--redis', redis.url, ...WORKER]), spawnCli(['worker', '--redis', redis.url, ...WORKER])];
    workers.push(a, b);
    // Kill A while it holds jobs (it works on up to 2 at a time), once both have done some work.
    await until((s) => s.completed + s.failed >= 40, 180_000);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe(137);
    const done = await until((s) => s.completed + s.failed === IMAGES, 180_000);
    expect(done).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: bad.length, completed: IMAGES - bad.length });

    const results = await cli('queue', 'results', '--jsonl');
    expect(results.code).toBe(0);
    const records = results.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as QueueResult);
    expect(records).toHaveLength(IMAGES);
    expect(new Set(records.map((r) => r.file)).size).toBe(IMAGES);
    expect(records.map((r) => r.file).sort()).toEqual([...good, ...bad].sort());
    const failed = records.filter((r) => r.error);
    expect(failed.map((r) => r.file).sort()).toEqual([...bad].sort());
    for (const f of failed) {
      expect(f.error!.code).toBe('INVALID_INPUT');
      expect(f.attempts).toBe(1); // bad input is not retried
    }
    const ok = records.filter((r) => !r.error);
    for (const r of ok) {
      expect(r.model).toMatchObject({ backend: 'onnx-cpu', detector: 'mtcnn', attributeModel: 'dlib-resnet-128-utk+heads-dlib-resnet-128-utk', assets: ['dlib-resnet-128-utk@1.0.0', 'heads-dlib-resnet-128-utk@1.0.0'] });
      expect(r.width).toBe(160);
    }
    expect(ok.filter((r) => r.faces!.length > 0).length).toBeGreaterThan(ok.length * 0.9);
    // Both processes did work; A's finished results survived its death.
    const by = (w: SpawnedCli) => ok.filter((r) => r.worker === `${hostname()}:${w.child.pid}`).length;
    expect(by(a)).toBeGreaterThan(0);
    expect(by(b)).toBeGreaterThan(0);
    expect(by(a) + by(b)).toBe(ok.length);

    // Adding the same folder again adds nothing.
    expect((await cli('queue', 'add', dir)).stdout).toBe(`added 0 job(s); ${IMAGES} already queued\n`);
    expect((await cli('queue', 'status')).stdout).toBe(`${IMAGES}/${IMAGES} done (${IMAGES - bad.length} completed, ${bad.length} failed), 0 running, 0 waiting\n`);

    // SIGTERM while B is busy: its running jobs finish and it exits 0.
    const more = join(tmp, 'more');
    mkdirSync(more);
    await writePhotos(more, 12, 1);
    await cli('queue', 'add', more);
    await until((s) => s.active > 0, 60_000);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.stderr).toMatch(/stopped/);
    const after = await status();
    expect(after.active).toBe(0);
    expect(after.completed).toBeGreaterThan(IMAGES - bad.length);
    expect(after.completed + after.waiting).toBe(IMAGES - bad.length + 12);
  }, 420_000);
});
