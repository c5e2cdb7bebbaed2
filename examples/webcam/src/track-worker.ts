/**
 * The whole pipeline in a Web Worker (the frame-budget bench's worker rows, and a browser test): the page posts
 * each camera frame as a transferred `VideoFrame`, the worker tracks it (`tracker.next(frame)` reads it with
 * `VideoFrame.copyTo`, no canvas) and posts back the frame's numbers, so the page's main thread stays free.
 */
import type { FaceAttributePipeline, FrameTracker, TrackOptions } from '@faceattr/core';
import { openPipeline, type PipelineSpec } from './pipeline-spec.js';

export type WorkerRequest =
  | { type: 'open'; spec: PipelineSpec; modelBase: string; track: TrackOptions }
  | { type: 'frame'; frame: VideoFrame }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'opened'; backend: string; detector: string }
  | { type: 'frame'; timings: { readMs: number; detectMs: number; encodeMs: number; headsMs: number; totalMs: number }; faces: number; encoded: number; searched: boolean }
  | { type: 'closed' }
  | { type: 'error'; message: string; code?: string };

let pipeline: FaceAttributePipeline | undefined;
let tracker: FrameTracker | undefined;
const post = (m: WorkerReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const m = e.data;
  try {
    if (m.type === 'open') {
      pipeline = await openPipeline(m.spec, m.modelBase);
      tracker = pipeline.createTracker(m.track);
      post({ type: 'opened', backend: pipeline.backendName, detector: pipeline.detectorName });
    } else if (m.type === 'frame') {
      try {
        if (!tracker) throw new Error('the worker has no pipeline yet: post { type: "open" } first');
        const f = await tracker.next(m.frame);
        post({ type: 'frame', timings: f.timings, faces: f.faces.length, encoded: f.faces.filter((x) => x.attributesAge === 0).length, searched: f.searched });
      } finally {
        m.frame.close();
      }
    } else if (m.type === 'close') {
      await pipeline?.dispose();
      pipeline = undefined;
      tracker = undefined;
      post({ type: 'closed' });
    }
  } catch (err) {
    post({ type: 'error', message: String((err as Error)?.message ?? err), code: (err as { code?: string }).code });
  }
};
