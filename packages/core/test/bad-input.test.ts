/**
 * The bad-input suite (issue 14, item 6): property-based tests over what users and attackers hand the library.
 * Every case must end in a result or a typed FaceAttrError, within CASE_MS and without the process's peak RSS
 * growing by more than PEAK_RSS_MB: never a hang, a crash or a stray Error. Public API only; fixed seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceAttrError, createPipeline, loadModelAsset, resizeImage, sha256Hex, toRgbImage, validateManifest, type FaceAttrErrorCode } from '@faceattr/core';
import { decodeImage, decodeImageBytes, type DecodeOptions } from '@faceattr/core/node';
import { fakePlugins, inMemoryAsset } from '@faceattr/core/testing';
import { DEMO_DIR, demoPhoto, encodeJpeg, withJpegOrientation } from '@faceattr/test-support';

const SEED = 14;
/** One case, on a 2-core machine shared with other jobs. */
const CASE_MS = 5000;
const PEAK_RSS_MB = 1500;

let rssBefore = 0;
beforeAll(() => {
  rssBefore = process.resourceUsage().maxRSS;
});
afterAll(() => {
  // maxRSS is the peak (KB) over the whole run: a decoder that inflated a bomb shows here even after it freed it.
  expect((process.resourceUsage().maxRSS - rssBefore) / 1024).toBeLessThan(PEAK_RSS_MB);
});

/**
 * Runs one case: `run` must settle within CASE_MS with a value or a FaceAttrError whose code is in `codes`.
 * Returns the value, or undefined when it failed as allowed.
 */
/** Cases that gave a result and cases refused, so a property can show it reached both ends. */
const outcomes = { ok: 0, refused: 0 };

async function settles<T>(run: () => T | Promise<T>, codes: readonly FaceAttrErrorCode[]): Promise<T | undefined> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CASE_MS} ms`)), CASE_MS);
  });
  try {
    const value = await Promise.race([(async () => run())(), hang]);
    outcomes.ok++;
    return value;
  } catch (e) {
    if (!(e instanceof FaceAttrError)) throw e;
    outcomes.refused++;
    expect(codes, e.message).toContain(e.code);
    expect(e.message.length).toBeGreaterThan(10);
    return undefined;
  } finally {
    clearTimeout(timer);
    expect(performance.now() - t0).toBeLessThan(CASE_MS);
  }
}

const params = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG whose IHDR declares `width` x `height` (CRC fixed up, so the decoder believes it). */
function withPngSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = png.slice();
  const dv = new DataView(out.buffer);
  dv.setUint32(16, width >>> 0);
  dv.setUint32(20, height >>> 0);
  dv.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** A JPEG whose first SOF marker declares `width` x `height`. */
function withJpegSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpeg.slice();
  for (let i = 2; i + 9 < out.length; i++) {
    if (out[i] === 0xff && out[i + 1]! >= 0xc0 && out[i + 1]! <= 0xc2) {
      new DataView(out.buffer).setUint16(i + 5, height & 0xffff);
      new DataView(out.buffer).setUint16(i + 7, width & 0xffff);
      return out;
    }
  }
  throw new Error('no SOF marker');
}

/** Mutations of real bytes: flipped bytes, a cut, an inserted run, a duplicated slice. */
function mutated(real: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: real.length - 1 });
  return fc.oneof(
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }).map((flips) => {
      const out = real.slice();
      for (const [i, v] of flips) out[i] = v;
      return out;
    }),
    at.map((n) => real.slice(0, n)),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([i, ins]) => new Uint8Array([...real.subarray(0, i), ...ins, ...real.subarray(i)])),
    fc.tuple(at, at).map(([a, b]) => new Uint8Array([...real.subarray(0, Math.max(a, b)), ...real.subarray(Math.min(a, b))])),
  );
}

/** Declared sides: tiny, ordinary, and far past any limit. */
const side = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 65, max: 4096 }), fc.constantFrom(16000, 20000, 65535, 100000, 2 ** 31 - 1, 2 ** 32 - 1));

describe('decoders: decodeImage and decodeImageBytes on random and mutated bytes', () => {
  // sample1.jpg scaled to 240x160 and re-encoded with an EXIF Orientation (so the EXIF reader is fuzzed too):
  // the photo's own 2.5 MP takes about a second a decode here, too slow for many cases.
  const photo = resizeImage(decodeImageBytes(new Uint8Array(readFileSync(demoPhoto(1)))), 240, 160);
  const jpeg = withJpegOrientation(encodeJpeg(photo, 90), 6);
  const png = new Uint8Array(readFileSync(join(DEMO_DIR, 'facemesh.png')));
  const checkImage = (img: { data: Uint8Array; width: number; height: number } | undefined) => {
    if (img) expect(img.data.length).toBe(img.width * img.height * 3);
  };
  /**
   * The time bound holds for what the limits admit, and jpeg-js takes seconds per 10 MP: the cases decode under
   * a 1 MP limit; sizes past the default limits are also tried with the defaults, which must refuse them from the header.
   */
  const SMALL: DecodeOptions = { maxPixels: 1_000_000 };
  const both = async (bytes: Uint8Array, options = SMALL) => {
    checkImage(await settles(() => decodeImageBytes(bytes, options), ['INVALID_INPUT']));
    checkImage(await settles(() => decodeImage(bytes, options), ['INVALID_INPUT']));
  };

  it('random bytes, bare and behind a JPEG or PNG signature', async () => {
    const prefix = fc.constantFrom(new Uint8Array(0), new Uint8Array([0xff, 0xd8, 0xff]), png.subarray(0, 8), png.subarray(0, 33));
    await fc.assert(fc.asyncProperty(prefix, fc.uint8Array({ maxLength: 2048 }), (p, rest) => both(new Uint8Array([...p, ...rest]), {})), params(150));
  });

  it('mutated demo JPEG and PNG bytes', async () => {
    const before = { ...outcomes };
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(jpeg), mutated(png)), (b) => both(b)), params(60));
    // Mutations of real files must reach the pixel decoders, not only the signature check.
    expect(Math.min(outcomes.ok - before.ok, outcomes.refused - before.refused)).toBeGreaterThan(5);
  });

  it('huge and odd declared sizes in otherwise valid headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), side, side, async (isPng, w, h) => {
        const bytes = isPng ? withPngSize(png, w, h) : withJpegSize(jpeg, w, h);
        await both(bytes);
        // Over 134 MP (1024 MB at 8 bytes a pixel), the default limits refuse it.
        if (w * h > 2 ** 27) await both(bytes, {});
      }),
      params(40),
    );
  });
});

describe('raw image adapter: toRgbImage on odd shapes, types and values', () => {
  const number = fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(Number.NaN, Infinity, -0, 2.5, 2 ** 53, '10', null, undefined, 10n));
  const data = (n: number) =>
    fc.oneof(
      fc.constant(new Uint8Array(n)),
      fc.constant(new Uint8ClampedArray(n)),
      fc.array(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity)), { minLength: n, maxLength: n }).map((v) => Float32Array.from(v)),
      fc.constantFrom(new Int16Array(n), new Float64Array(n), [1, 2, 3], 'pixels', null),
    );
  const raw = fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 1, 2, 3, 4, 5, '3'), number, number, fc.boolean())
    .chain(([w, h, c, ow, oh, odd]) => data(w * h * (typeof c === 'number' ? c : 3)).map((d) => ({ data: d, width: odd ? ow : w, height: odd ? oh : h, channels: c })));

  it('raw buffers, ImageData-likes and anything else', async () => {
    const input = fc.oneof(raw, raw.map(({ data: d, width, height }) => ({ data: d, width, height })), fc.anything());
    await fc.assert(
      fc.asyncProperty(input, async (x) => {
        const img = await settles(() => toRgbImage(x as never), ['INVALID_INPUT']);
        if (img) expect(img.data.length).toBe(img.width * img.height * 3);
      }),
      params(400),
    );
  });
});

describe('manifests: validateManifest and loadModelAsset on in-memory sources', () => {
  it('a valid asset with any field replaced, any file path, and huge or odd sizes', async () => {
    const base = await inMemoryAsset('m');
    const manifest = base.manifest as Record<string, unknown>;
    const bytes = base.files['model.onnx']!;
    const sha = await sha256Hex(bytes);
    const path = fc.oneof(fc.string(), fc.constantFrom('../x', '%2e%2e/x', 'file:///etc/passwd', 'a\\b', '/abs', 'a//b', 'model.onnx', '__proto__', 'constructor'));
    const entry = fc.record({ path, bytes: fc.oneof(fc.constant(bytes.length), fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.NaN, 1e300)), sha256: fc.constantFrom(sha, '0'.repeat(64), 'xyz') });
    const changed = fc.oneof(
      fc.tuple(fc.constantFrom(...Object.keys(manifest), 'extra'), fc.anything()).map(([k, v]) => ({ ...manifest, [k]: v })),
      fc.array(entry, { maxLength: 3 }).chain((files) =>
        fc.constantFrom(...files.map((f) => f.path), 'model.onnx').map((p) => ({ ...manifest, files, artifacts: { onnx: { entry: p, files: [p] } } })),
      ),
      fc.anything(),
    );
    const files = fc.oneof(fc.constant(base.files), fc.dictionary(path, fc.oneof(fc.constant(bytes), fc.uint8Array({ maxLength: 64 }), fc.anything())));
    await fc.assert(
      fc.asyncProperty(changed, files, async (m, f) => {
        await settles(() => validateManifest(m, '(fuzz)'), ['MODEL_LOAD_FAILED']);
        const a = await settles(() => loadModelAsset({ manifest: m as never, files: f as never }, 'onnx'), ['MODEL_LOAD_FAILED']);
        if (a) expect([...a.files.values()].every((b) => b instanceof Uint8Array)).toBe(true);
      }),
      params(300),
    );
  });
});

describe('options: createPipeline, detect and createTracker with fake plugins', () => {
  const keys = ['attributes', 'returnEmbedding', 'minScore', 'maxFaces', 'modelBasePath', 'models', 'modelTimeoutMs', 'signal', 'detectEvery', 'smoothing', 'iouThreshold', 'minFaceSize', 'backend', 'detector', 'attributeModel', 'x'];
  const value = fc.oneof(fc.anything(), fc.constantFrom(Number.NaN, Infinity, -1, 0, 0.5, 1, 3, '10', [], ['age', 'race'], ['mood'], null, undefined, true));
  const options = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 3 });
  const codes: FaceAttrErrorCode[] = ['INVALID_OPTIONS', 'BACKEND_UNAVAILABLE', 'DETECTOR_UNAVAILABLE', 'MODEL_LOAD_FAILED'];

  it('random option objects are taken or refused with a typed error', async () => {
    const image = { data: new Uint8Array(8 * 8 * 3), width: 8, height: 8, channels: 3 } as const;
    await fc.assert(
      fc.asyncProperty(options, options, async (createOptions, callOptions) => {
        const { log: _, ...plugins } = fakePlugins();
        const pipeline = await settles(() => createPipeline({ ...plugins, ...createOptions }), codes);
        if (!pipeline) return;
        try {
          await settles(() => pipeline.detect(image, callOptions as never), ['INVALID_OPTIONS']);
          await settles(() => pipeline.createTracker(callOptions as never), ['INVALID_OPTIONS']);
        } finally {
          await pipeline.dispose();
        }
      }),
      params(200),
    );
  });
});
