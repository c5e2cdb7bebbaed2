/**
 * Phone photos come in sideways (issue 14, item 1): `faceattr analyze` on copies of face-api's sample1.jpg stored
 * turned, with each EXIF Orientation tag, finds the same faces, in the upright photo's coordinates, with the
 * same attributes as on the upright photo.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { iou } from '@faceattr/core';
import { decodeImageBytes } from '@faceattr/core/node';
import { demoPhoto, encodeJpeg, orientedJpeg } from '@faceattr/test-support';
import { main } from './cli.js';
import type { FaceJson } from './face-json.js';

const tmp = mkdtempSync(join(tmpdir(), 'faceattr-exif-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('faceattr analyze applies EXIF orientation', () => {
  it('all 8 Orientation tags: same faces, boxes, landmarks, gender, race and age as the upright photo', async () => {
    const upright = decodeImageBytes(new Uint8Array(readFileSync(demoPhoto(1))), { autoOrient: false });
    const files = [join(tmp, 'upright.jpg')];
    writeFileSync(files[0]!, encodeJpeg(upright));
    for (let o = 1; o <= 8; o++) {
      files.push(join(tmp, `orientation-${o}.jpg`));
      writeFileSync(files[o]!, orientedJpeg(upright, o));
    }
    let stdout = '';
    const code = await main(['analyze', '--json', '--attributes', 'age,gender,race', ...files], (s) => (stdout += s), () => {}, false);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { file: string; width: number; height: number; faces: FaceJson[] }[];
    const byFile = new Map(out.map((r) => [r.file, r]));
    const ref = byFile.get(files[0]!)!;
    expect(ref.faces.length).toBe(3);
    for (let o = 1; o <= 8; o++) {
      const got = byFile.get(files[o]!)!;
      expect([got.width, got.height], `orientation ${o}`).toEqual([upright.width, upright.height]);
      expect(got.faces.length, `orientation ${o}`).toBe(ref.faces.length);
      for (const f of ref.faces) {
        const match = got.faces.reduce((a, b) => (iou(a.box, f.box) >= iou(b.box, f.box) ? a : b));
        expect(iou(match.box, f.box), `orientation ${o}`).toBeGreaterThan(0.9);
        expect(Math.abs(match.landmarks.leftEye!.x - f.landmarks.leftEye!.x), `orientation ${o}`).toBeLessThan(4);
        expect(match.gender!.label, `orientation ${o}`).toBe(f.gender!.label);
        expect(match.race!.label, `orientation ${o}`).toBe(f.race!.label);
        expect(Math.abs(match.age! - f.age!), `orientation ${o}`).toBeLessThan(3);
      }
    }
  }, 180_000);
});
