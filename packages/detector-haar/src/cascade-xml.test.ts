import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelContext, FaceAttrError, type InferenceBackend } from '@faceattr/core';
import { describe, expect, it } from 'vitest';
import { decodeCascade, encodeCascade, haar, HAAR_MODEL_NAME, loadCascade, parseCascadeXml } from './index.js';
import { FRONTALFACE_XML } from '../test/opencv-reference.js';

const xml = readFileSync(FRONTALFACE_XML, 'utf8');
const tiltedXml = readFileSync(join(import.meta.dirname, 'fixtures', 'tilted-cascade.xml'), 'utf8');

function errorOf(fn: () => unknown): FaceAttrError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FaceAttrError);
    return e as FaceAttrError;
  }
  throw new Error('expected a FaceAttrError');
}

describe('OpenCV cascade XML', () => {
  const cascade = parseCascadeXml(xml);

  it('reads haarcascade_frontalface_default: 25 stages, 2913 upright stumps, float32 numbers', () => {
    expect([cascade.width, cascade.height]).toEqual([24, 24]);
    expect(cascade.stages.map((s) => s.trees.length)).toEqual([9, 16, 27, 32, 52, 53, 62, 72, 83, 91, 99, 115, 127, 135, 136, 137, 159, 155, 169, 196, 197, 181, 199, 211, 200]);
    expect(cascade.features).toHaveLength(2913);
    expect(cascade.features.some((f) => f.tilted)).toBe(false);
    expect(cascade.features[0]!.rects).toEqual([
      { x: 6, y: 4, width: 12, height: 9, weight: -1 },
      { x: 6, y: 7, width: 12, height: 3, weight: 3 },
    ]);
    expect(cascade.stages[0]!.threshold).toBe(Math.fround(-5.0425500869750977));
    expect(cascade.stages[0]!.trees[0]).toEqual({
      nodes: [{ left: 0, right: -1, featureIndex: 0, threshold: Math.fround(-3.1511999666690826e-2) }],
      leaves: [Math.fround(2.0875380039215088), Math.fround(-2.217210054397583)],
    });
    // Every feature is used by exactly one stump in this cascade.
    const used = cascade.stages.flatMap((s) => s.trees.map((t) => t.nodes[0]!.featureIndex)).sort((a, b) => a - b);
    expect(used).toEqual(cascade.features.map((_, i) => i));
  });

  it('reads tilted features', () => {
    const c = parseCascadeXml(tiltedXml);
    expect(c.features.map((f) => f.tilted)).toEqual([true, false, true, false]);
    expect(c.features[3]!.rects[2]).toEqual({ x: 8, y: 13, width: 10, height: 5, weight: 0.5 });
  });

  it('round-trips through the compact form unchanged, at a seventh of the size', () => {
    const bin = encodeCascade(cascade);
    expect(bin.length).toBeLessThan(xml.length / 7);
    expect(decodeCascade(bin)).toEqual(cascade);
    expect(loadCascade(bin)).toEqual(cascade);
    expect(loadCascade(new TextEncoder().encode(xml))).toEqual(cascade);
    const tilted = parseCascadeXml(tiltedXml);
    expect(decodeCascade(encodeCascade(tilted))).toEqual(tilted);
  });

  it.each([
    ['truncated XML', xml.slice(0, xml.length / 2), /not closed|malformed/],
    ['not XML', 'hello', /opencv_storage/],
    ['no <features>', xml.replace(/<features>[\s\S]*<\/features>/, ''), /<stages> and <features>/],
    ['a feature index out of range', xml.replace('0 -1 0 -3.1511999666690826e-02', '0 -1 5000 -3.1511999666690826e-02'), /feature 5000/],
    ['a bad number', xml.replace('2.0875380039215088e+00', '2.08x'), /not a finite number/],
    ['a missing leaf', xml.replace('2.0875380039215088e+00 -2.2172100543975830e+00', '2.0875380039215088e+00'), /1 nodes but 1 leaves/],
    ['LBP features', xml.replace('<featureType>HAAR</featureType>', '<featureType>LBP</featureType>'), /only HAAR/],
    ['a rect outside the window', xml.replace('6 4 12 9 -1.', '16 4 12 9 -1.'), /leaves the 24x24 window/],
    ['a wrong stage count', xml.replace('<stageNum>25</stageNum>', '<stageNum>26</stageNum>'), /stageNum/],
    ['an old-format cascade', '<opencv_storage><haar type_id="opencv-haar-classifier"><size>24 24</size><stages></stages></haar></opencv_storage>', /old-format/],
  ])('rejects %s with INVALID_INPUT naming the problem', (_, text, message) => {
    const e = errorOf(() => parseCascadeXml(text));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(message);
  });

  it('rejects corrupt compact bytes with INVALID_INPUT', () => {
    const bin = encodeCascade(cascade);
    expect(errorOf(() => decodeCascade(bin.subarray(0, 1000))).message).toMatch(/counts exceed/);
    expect(errorOf(() => decodeCascade(bin.subarray(0, bin.length - 10))).message).toMatch(/truncated/);
    const wrongMagic = bin.slice();
    wrongMagic[0] = 0;
    expect(errorOf(() => decodeCascade(wrongMagic)).message).toMatch(/FAHC/);
    expect(errorOf(() => decodeCascade(new Uint8Array([...bin, 0]))).message).toMatch(/bytes left/);
  });

  it('haar() turns a corrupt packaged cascade into MODEL_LOAD_FAILED', async () => {
    const bytes = encodeCascade(cascade).subarray(0, 5000);
    const { sha256Hex } = await import('@faceattr/core');
    const manifest = {
      format: 'faceattr-model/1',
      name: 'haar-frontalface-default',
      version: '0',
      inputs: [],
      outputs: [],
      artifacts: { data: { entry: 'cascade.bin', files: ['cascade.bin'] } },
      files: [{ path: 'cascade.bin', bytes: bytes.length, sha256: await sha256Hex(bytes) }],
      license: 'test',
      source: {},
    };
    // The packaged name resolved to an in-memory asset, as createPipeline({ models }) would; a data asset needs no backend.
    const ctx = createModelContext({} as InferenceBackend, { models: { [HAAR_MODEL_NAME]: { manifest, files: { 'cascade.bin': bytes } } } });
    const err = await haar().load(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FaceAttrError);
    expect((err as FaceAttrError).code).toBe('MODEL_LOAD_FAILED');
    expect((err as FaceAttrError).message).toMatch(/cascade\.bin.*corrupt/);
  });
});
