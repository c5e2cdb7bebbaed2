import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/image-types.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import { deferred, fakePlugins, type FakeAttributeModelOptions } from '../testing/fake-plugins.js';
import type { TrackFrame, TrackOptions, TrackSource, VideoFrameInput } from '../tracking/track-types.js';
import type { Box, DetectedFace } from '../types.js';
import { createPipeline } from './create-pipeline.js';
import type { FaceAttributePipeline } from './face-pipeline.js';
import type { PipelineOptions } from './options.js';

const W = 64;
const H = 48;
const image = (): RgbImage => ({ data: new Uint8Array(W * H * 3).fill(90), width: W, height: H, channels: 3 });
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Two faces that move 2 px right per detector call, as in a slow pan. */
const movingFaces = (call: number): DetectedFace[] => [
  { box: { x: 2 * call, y: 4, width: 20, height: 20 }, score: 0.9 },
  { box: { x: 30 + 2 * call, y: 8, width: 20, height: 20 }, score: 0.8 },
];

function* frames(n: number): Generator<VideoFrameInput> {
  for (let i = 0; i < n; i++) yield { image: image(), timestampMs: 40 * i };
}

async function setUp(o: { attributeModel?: FakeAttributeModelOptions | null; pipeline?: PipelineOptions } = {}) {
  const { log, ...plugins } = fakePlugins({ ...o, detector: { faces: movingFaces } });
  const pipeline = await createPipeline({ ...plugins, ...o.pipeline });
  log.length = 0; // only what happens after creation
  return { log, pipeline, ...plugins };
}

async function collect(pipeline: FaceAttributePipeline, source: TrackSource, options?: TrackOptions) {
  const out: TrackFrame[] = [];
  const handle = pipeline.track(source, (f) => void out.push(f), options);
  await handle.done;
  expect(handle.frames).toBe(out.length);
  return out;
}

describe('track(): sources', () => {
  it('follows an iterable frame by frame: one trackId per face, the frames\' timestamps, every frame detected', async () => {
    const { pipeline } = await setUp();
    const out = await collect(pipeline, [...frames(4)]);
    expect(out.map((f) => [f.frameIndex, f.timestampMs, f.width, f.height, f.detected])).toEqual([0, 1, 2, 3].map((i) => [i, 40 * i, W, H, true]));
    expect(out.map((f) => f.faces.map((x) => x.trackId))).toEqual(Array(4).fill([1, 2]));
    expect(out[3]!.faces.map((x) => [x.box.x, x.hits])).toEqual([[6, 4], [36, 4]]);
    expect(out[0]!.faces[0]!.age).toBeDefined();
  });

  it('follows an async iterable; frames without a timestamp get the time since the tracker started', async () => {
    const { pipeline } = await setUp();
    async function* source() {
      for (const f of frames(3)) {
        await tick();
        yield { image: f.image };
      }
    }
    const out = await collect(pipeline, source());
    expect(out.map((f) => f.frameIndex)).toEqual([0, 1, 2]);
    const times = out.map((f) => f.timestampMs);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times[2]).toBeGreaterThan(times[0]!);
    expect(out[2]!.faces.map((x) => x.trackId)).toEqual([1, 2]);
  });

  it('an onFrame that returns a promise holds the next frame until it settles', async () => {
    const { pipeline, detector } = await setUp();
    let pulled = 0;
    function* source() {
      for (const f of frames(3)) {
        pulled++;
        yield f;
      }
    }
    const gate = deferred();
    const seen: number[] = [];
    const handle = pipeline.track(source(), (f) => {
      seen.push(f.frameIndex);
      return f.frameIndex === 0 ? gate.promise : undefined;
    });
    for (let i = 0; i < 5; i++) await tick();
    expect([pulled, detector.detectArgs.length, seen]).toEqual([1, 1, [0]]);
    gate.resolve();
    await handle.done;
    expect([pulled, detector.detectArgs.length, seen]).toEqual([3, 3, [0, 1, 2]]);
  });
});

describe('track(): stopping', () => {
  it('stop() ends the stream after the frame in flight and lets the source clean up before done settles', async () => {
    const { pipeline } = await setUp();
    let cleanedUp = false;
    async function* source() {
      try {
        yield* frames(50);
      } finally {
        await tick(); // e.g. ending a decoder
        cleanedUp = true;
      }
    }
    const seen: number[] = [];
    const handle = pipeline.track(source(), (f) => {
      seen.push(f.frameIndex);
      if (f.frameIndex === 2) handle.stop();
    });
    await handle.done;
    expect(seen).toEqual([0, 1, 2]);
    expect(cleanedUp).toBe(true);
    handle.stop(); // idempotent
  });

  it('an aborted signal stops it: before the first frame, or from the middle', async () => {
    const { pipeline, detector } = await setUp();
    const aborted = new AbortController();
    aborted.abort();
    expect(await collect(pipeline, frames(5), { signal: aborted.signal })).toEqual([]);
    expect(detector.detectArgs.length).toBe(0);
    const later = new AbortController();
    const seen: number[] = [];
    const handle = pipeline.track(frames(50), (f) => {
      seen.push(f.frameIndex);
      if (f.frameIndex === 1) later.abort();
    }, { signal: later.signal });
    await handle.done;
    expect(seen).toEqual([0, 1]);
  });

  it('a stalled live source does not keep stop() from settling done', async () => {
    const { pipeline } = await setUp();
    async function* stalls() {
      yield { image: image() };
      await new Promise(() => {});
    }
    let got = 0;
    const handle = pipeline.track(stalls(), () => {
      got++;
    });
    while (got === 0) await tick();
    handle.stop();
    await handle.done;
    expect(handle.frames).toBe(1);
  });

  it('dispose() stops running streams quietly, also with a frame waiting in the queue', async () => {
    const { pipeline, detector, log } = await setUp({ pipeline: { attributes: [] } });
    // A live feed: each frame arrives on a later task (a source that never yields to the event loop would starve the timers here).
    async function* endless() {
      for (;;) {
        await tick();
        yield { image: image() };
      }
    }
    let n = 0;
    const running = pipeline.track(endless(), () => {
      n++;
    });
    while (n < 3) await tick();
    // A detect() call holds the queue, so the second stream's first frame waits behind it when dispose() comes.
    const hold = deferred();
    detector.hold = hold.promise;
    const call = pipeline.detect(image());
    const waiting = pipeline.track(frames(5), () => {
      throw new Error('no frame after dispose');
    });
    await tick();
    const disposed = pipeline.dispose();
    hold.resolve();
    await Promise.all([running.done, waiting.done, disposed, call]);
    expect(waiting.frames).toBe(0);
    expect(log.slice(-3)).toEqual(['fake-attributes:dispose', 'fake-detector:dispose', 'fake-backend:dispose']);
    expect(() => pipeline.track(frames(1), () => {})).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });
});

describe('track(): errors', () => {
  it('bad arguments throw at once with typed errors', async () => {
    const { pipeline } = await setUp();
    expect(() => pipeline.track(42 as never, () => {})).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => pipeline.track(frames(1), undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => pipeline.track(frames(1), () => {}, { detectEvery: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => pipeline.track(frames(1), () => {}, { signal: 'stop' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => pipeline.track(frames(1), () => {}, { returnEmbedding: true } as never)).toThrow(
      expect.objectContaining({ message: 'Unknown option "returnEmbedding" for track(); pass it to createPipeline().' }),
    );
    expect(() => pipeline.createTracker({ minNeighbors: 4 } as never)).toThrow(
      expect.objectContaining({ message: 'Unknown option "minNeighbors" for track(); it is an option of the detector: pass detector: haar({ minNeighbors: ... }) to createPipeline().' }),
    );
  });

  it('a failing callback, frame or detector rejects done, and the source is closed', async () => {
    const { pipeline, detector } = await setUp();
    await expect(pipeline.track(frames(3), () => Promise.reject(new Error('callback failed'))).done).rejects.toThrow('callback failed');
    await expectFaceAttrError(pipeline.track([{ image: { data: new Uint8Array(3), width: 0, height: 1, channels: 3 } }], () => {}).done, 'INVALID_INPUT');
    await expectFaceAttrError(pipeline.track([42 as never], () => {}).done, 'INVALID_INPUT');
    let closed = false;
    function* source() {
      try {
        yield* frames(5);
      } finally {
        closed = true;
      }
    }
    const crash = deferred();
    crash.promise.catch(() => undefined); // handled here; detect() still sees the rejection
    crash.reject(new Error('detector crashed'));
    detector.hold = crash.promise;
    const e = await expectFaceAttrError(pipeline.track(source(), () => {}).done, 'INFERENCE_FAILED');
    expect(e.message).toBe('Detector "fake-detector" failed: detector crashed');
    expect(closed).toBe(true);
  });

  it('a pipeline without an attribute model tracks only with attributes: []', async () => {
    const { pipeline } = await setUp({ attributeModel: null });
    expect(() => pipeline.createTracker()).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('track with attributes: []') }));
    const out = await collect(pipeline, frames(2), { attributes: [] });
    expect(out[1]!.faces.map((f) => [f.trackId, f.age])).toEqual([[1, undefined], [2, undefined]]);
  });
});

describe('track(): detectEvery and attributesEvery', () => {
  it('detectEvery 3 runs the detector on frames 0, 3, 6 and keeps the boxes in between', async () => {
    const { pipeline, detector } = await setUp();
    const out = await collect(pipeline, frames(7), { detectEvery: 3 });
    expect(out.map((f) => f.detected)).toEqual([true, false, false, true, false, false, true]);
    expect(detector.detectArgs.length).toBe(3);
    // Held boxes and attributes; only the attributes' age (frames since they were predicted) grows.
    expect(out[1]!.faces).toEqual(out[0]!.faces.map((f) => ({ ...f, attributesAge: 1 })));
    expect(out.map((f) => f.faces[0]!.attributesAge)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(out[2]!.timings.detectMs + out[2]!.timings.encodeMs + out[2]!.timings.headsMs).toBe(0);
    // The detector's second call (frame 3) moved the faces by 2 px.
    expect(out[3]!.faces.map((f) => [f.trackId, f.box.x])).toEqual([[1, 2], [2, 32]]);
  });

  it('attributesEvery 2 predicts on frames 0, 2, 4; faces keep their attributes in between; the model\'s timings are reported', async () => {
    const { pipeline, attributeModel } = await setUp({ attributeModel: { timings: { encodeMs: 2, headsMs: 3 } } });
    const out = await collect(pipeline, frames(5), { attributesEvery: 2, smoothing: 1, attributes: ['race'] });
    expect(out.map((f) => [f.timings.encodeMs, f.timings.headsMs])).toEqual([[2, 3], [0, 0], [2, 3], [0, 0], [2, 3]]);
    expect(attributeModel!.requests.map((r) => [r.faces.length, r.request.attributes])).toEqual(Array(3).fill([2, ['race']]));
    expect(out.every((f) => f.faces.every((x) => x.race?.label === 'Asian' && x.age === undefined))).toBe(true);
    expect(out.map((f) => f.faces[0]!.attributesAge)).toEqual([0, 1, 0, 1, 0]);
    for (const f of out) expect(f.timings.totalMs).toBeGreaterThanOrEqual(f.timings.readMs);
  });

  it('by default a face that holds still keeps its attributes for 15 frames; one that moves a fifth of its width is re-encoded', async () => {
    const { pipeline, attributeModel } = await setUp();
    // movingFaces moves 2 px per detector call on 20 px boxes: past 4 px (0.2 x 20) every third frame.
    const moving = await collect(pipeline, frames(7));
    expect(attributeModel!.requests.length).toBe(3); // frames 0, 3, 6
    expect(moving.map((f) => f.faces[0]!.attributesAge)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    attributeModel!.requests.length = 0;
    const still = await collect(pipeline, frames(17), { attributesMaxMove: Infinity });
    expect(still.map((f) => f.faces[0]!.attributesAge)).toEqual([...Array(15).keys(), 0, 1]);
    expect(attributeModel!.requests.length).toBe(2);
  });
});

describe('track(): searchEvery (following tracked faces between searches)', () => {
  /** A detector's follow: each face found where it was looked for. */
  const stay = (_call: number, _image: RgbImage, boxes: readonly Box[]): DetectedFace[] => boxes.map((b) => ({ box: { ...b }, score: 0.85 }));

  async function followSetUp(follow: (call: number, image: RgbImage, boxes: readonly Box[]) => readonly DetectedFace[], faces = movingFaces) {
    const { log, ...plugins } = fakePlugins({ detector: { faces, follow } });
    return { pipeline: await createPipeline(plugins), ...plugins };
  }

  it('by default searches on detector runs 0, 5, 10 and in between follows the tracked faces where their motion puts them', async () => {
    const { pipeline, detector } = await followSetUp(stay);
    const out = await collect(pipeline, frames(12));
    expect(out.map((f) => f.searched)).toEqual([true, false, false, false, false, true, false, false, false, false, true, false]);
    expect(out.every((f) => f.detected)).toBe(true);
    expect(detector.detectArgs.length).toBe(3);
    expect(detector.followArgs.length).toBe(9);
    // Frames 1-4 look at frame 0's boxes (no motion seen yet) and find the faces there.
    expect(detector.followArgs.slice(0, 4).map((a) => a.map((b) => b.x))).toEqual(Array(4).fill([0, 30]));
    expect(out.map((f) => f.faces.map((x) => x.trackId))).toEqual(Array(12).fill([1, 2]));
    expect(out[4]!.faces.map((x) => [x.box.x, x.score])).toEqual([[0, 0.85], [30, 0.85]]);
    // Search 2 (frame 5) finds the faces at movingFaces(1), 2 px on, same tracks; frame 6 looks 2 px further (constant motion).
    expect(out[5]!.faces.map((x) => [x.trackId, x.box.x])).toEqual([[1, 2], [2, 32]]);
    expect(detector.followArgs[4]!.map((b) => b.x)).toEqual([4, 34]);
  });

  it('a follow run that loses a tracked face searches the same frame, so no face is dropped', async () => {
    const { pipeline, detector } = await followSetUp((c, i, boxes) => stay(c, i, boxes).slice(0, 1));
    const out = await collect(pipeline, frames(4));
    expect(out.map((f) => f.searched)).toEqual([true, true, true, true]);
    expect(detector.followArgs.length).toBe(3);
    expect(out.map((f) => f.faces.length)).toEqual([2, 2, 2, 2]);
  });

  it('two tracks followed onto one face become one; below minScore a followed face counts as lost', async () => {
    const merge = await followSetUp((_c, _i, boxes) => boxes.map(() => ({ box: { x: 10, y: 4, width: 20, height: 20 }, score: 0.9 })));
    const merged = await collect(merge.pipeline, frames(2));
    expect(merged[1]!.searched).toBe(true); // one face for two tracks: a search confirms
    const weak = await followSetUp((_c, _i, boxes) => boxes.map((b) => ({ box: b, score: 0.5 })));
    const out = await collect(weak.pipeline, frames(3), { minScore: 0.7 });
    expect(out.map((f) => f.searched)).toEqual([true, true, true]);
  });

  it('searchEvery 1, a detector without follow, or no tracked face: every detector run searches', async () => {
    const a = await followSetUp(stay);
    expect((await collect(a.pipeline, frames(3), { searchEvery: 1 })).map((f) => f.searched)).toEqual([true, true, true]);
    expect(a.detector.followArgs.length).toBe(0);
    const b = await setUp();
    expect((await collect(b.pipeline, frames(3))).map((f) => f.searched)).toEqual([true, true, true]);
    const c = await followSetUp(stay, () => []);
    expect((await collect(c.pipeline, frames(3))).map((f) => f.searched)).toEqual([true, true, true]);
    expect(c.detector.followArgs.length).toBe(0);
  });

  it('with detectEvery 2, runs are counted, not frames; searchEvery must be a positive integer', async () => {
    const { pipeline } = await followSetUp(stay);
    const out = await collect(pipeline, frames(6), { detectEvery: 2, searchEvery: 2 });
    expect(out.map((f) => [f.detected, f.searched])).toEqual([[true, true], [false, false], [true, false], [false, false], [true, true], [false, false]]);
    for (const bad of [0, 1.5, '2', Number.NaN]) {
      expect(() => pipeline.createTracker({ searchEvery: bad as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('"searchEvery" must be an integer >= 1') }));
    }
  });
});

describe('createTracker()', () => {
  it('processes frames in call order through the pipeline queue, and reset() starts new ids', async () => {
    const { pipeline, log } = await setUp({ pipeline: { attributes: [] } });
    const tracker = pipeline.createTracker();
    const results = await Promise.all([tracker.next(image(), 0), pipeline.detect(image()), tracker.next(image(), 40)]);
    const [a, , b] = results as [TrackFrame, unknown, TrackFrame];
    expect([a.frameIndex, b.frameIndex, b.timestampMs]).toEqual([0, 1, 40]);
    expect(log).toEqual(Array(3).fill('fake-detector:detect'));
    expect(b.faces.map((f) => f.trackId)).toEqual([1, 2]);
    tracker.reset();
    expect((await tracker.next(image())).faces.map((f) => f.trackId)).toEqual([3, 4]);
    await expectFaceAttrError(tracker.next(image(), Number.NaN), 'INVALID_INPUT');
    await expectFaceAttrError(tracker.next({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 }), 'INVALID_INPUT');
  });
});
