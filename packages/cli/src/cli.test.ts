import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@faceattr/core/node';
import { main } from './cli.js';
import type { AnalyzeResult, FileResult } from './analyze.js';
import { demoPhoto as photo, UTKFACE_DIR as UTKFACE } from '@faceattr/test-support';

const tmp = mkdtempSync(join(tmpdir(), 'faceattr-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, (s) => (stdout += s), (s) => (stderr += s), false);
  return { code, stdout, stderr };
}

describe('faceattr analyze', () => {
  it('--json: every demo photo, faces with box, landmarks, age and gender, no race unless asked', async () => {
    const r = await run(['analyze', '--json', photo(1), photo(4)]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as FileResult[];
    expect(out.map((f) => f.file)).toEqual([photo(1), photo(4)]);
    for (const file of out) {
      expect(file.width).toBeGreaterThan(0);
      expect(file.faces.length).toBeGreaterThanOrEqual(3);
      for (const f of file.faces) {
        expect(f.box.width).toBeGreaterThan(20);
        expect(Object.keys(f.landmarks)).toEqual(['leftEye', 'rightEye', 'nose', 'mouthLeft', 'mouthRight']);
        expect(f.age).toBeGreaterThan(10);
        expect(f.age).toBeLessThan(60);
        expect(f.ageUncertainty).toBeGreaterThan(0);
        expect(['male', 'female']).toContain(f.gender!.label);
        expect(f.race).toBeUndefined();
      }
    }
    // face-api's demo photos show women only.
    const women = out.flatMap((f) => f.faces).filter((f) => f.gender!.label === 'female').length;
    expect(women / out.flatMap((f) => f.faces).length).toBeGreaterThan(0.85);
  }, 120_000);

  it('--attributes age,gender,race adds the full 5-way race distribution', async () => {
    const r = await run(['analyze', '--json', '--attributes', 'age,gender,race', photo(2)]);
    const [file] = JSON.parse(r.stdout) as FileResult[];
    for (const f of file!.faces) {
      const p = f.race!.probabilities;
      expect(Object.keys(p)).toEqual(['White', 'Black', 'Asian', 'Indian', 'Others']);
      expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
      expect(p[f.race!.label as keyof typeof p]).toBe(Math.max(...Object.values(p)));
    }
  }, 60_000);

  it('reports and skips an unreadable file without aborting the batch (exit code 1)', async () => {
    const bad = join(tmp, 'truncated.jpg');
    writeFileSync(bad, readFileSync(photo(3)).subarray(0, 5000));
    const r = await run(['analyze', '--json', bad, photo(3), join(tmp, 'missing.jpg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/skipping .*truncated\.jpg: .*truncated JPEG/);
    expect(r.stderr).toMatch(/skipping .*missing\.jpg/);
    // Every input has a record, in input order: its faces or its error.
    const out = JSON.parse(r.stdout) as AnalyzeResult[];
    expect(out.map((f) => f.file)).toEqual([bad, photo(3), join(tmp, 'missing.jpg')]);
    expect(out[0]).toEqual({ file: bad, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/truncated JPEG/) } });
    expect((out[1] as FileResult).faces.length).toBeGreaterThan(0);
    expect(out[2]).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/no such file/) } });
  }, 60_000);

  it('--csv prints one row per face and --annotate writes a decodable image of the same size', async () => {
    const dir = join(tmp, 'annotated');
    const r = await run(['analyze', '--csv', '--annotate', dir, photo(5)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^file,width,height,face,x,y/);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const img = await decodeImage(join(dir, 'sample5.jpg'));
    const src = await decodeImage(photo(5));
    expect([img.width, img.height]).toEqual([src.width, src.height]);
    // Boxes were drawn: the annotated pixels differ from the source somewhere.
    let diff = 0;
    for (let i = 0; i < img.data.length; i += 101) diff += Math.abs(img.data[i]! - src.data[i]!) > 60 ? 1 : 0;
    expect(diff).toBeGreaterThan(10);
  }, 60_000);

  it('rejects bad options with exit code 2 and a message', async () => {
    expect((await run(['analyze', '--backend', 'gpu-magic', photo(1)])).stderr).toMatch(/--backend must be one of/);
    expect((await run(['analyze', '--attributes', 'age,mood', photo(1)])).code).toBe(2);
    expect((await run(['analyze'])).code).toBe(2);
    expect((await run(['frobnicate'])).stderr).toMatch(/Unknown command/);
  });
});

describe.skipIf(!existsSync(join(UTKFACE, 'labels.csv')))('faceattr eval on UTKFace val (skipped when ../shared/datasets/utkface is absent)', () => {
  it('runs the full pipeline and reports the documented metrics', async () => {
    const r = await run(['eval', '--format', 'utkface', '--split', 'val', '--limit', '60', '--json', UTKFACE]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    for (const k of ['n', 'detected', 'age_mae', 'age_cs5', 'age_bin_acc', 'age_mae_by_decade', 'gender_acc', 'gender_acc_by_race', 'race_acc', 'race_macro_f1', 'race_recall_by_class', 'median_ms_per_image']) {
      expect(m).toHaveProperty(k);
    }
    expect(m.n).toBe(60);
    expect(m.detected).toBeGreaterThanOrEqual(58);
    // Loose bounds on the first 60 rows (sorted by name, so mostly children and centenarians, the hardest
    // ages): they catch a broken pipeline (chance is 50% gender, ~20-40% race), not a small regression.
    expect(m.gender_acc).toBeGreaterThan(0.7);
    expect(m.age_mae).toBeLessThan(10);
    expect(m.race_acc).toBeGreaterThan(0.6);
  }, 180_000);
});
