// Issue 14, item 5: results are written as they complete, interrupts keep them, and every input has a record.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@faceattr/core/node';
import { demoPhoto as photo } from '@faceattr/test-support';
import type { AnalyzeResult, FileResult } from './analyze.js';
import { findFfmpeg } from './video/find-ffmpeg.js';
import { runMain, makePanClip, spawnCli } from '../test/support.js';

const tmp = mkdtempSync(join(tmpdir(), 'faceattr-batch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FAST = ['--backend', 'onnx', '--min-face-size', '40'];

const run = (args: string[]) => runMain(['analyze', ...FAST, ...args]);

// A plain grey JPEG: decodes fine, has no face.
const blank = join(tmp, 'blank.jpg');
const rgba = new Uint8Array(320 * 240 * 4).fill(128);
writeFileSync(blank, jpeg.encode({ data: rgba, width: 320, height: 240 }, 90).data);
const truncated = join(tmp, 'truncated.jpg');
writeFileSync(truncated, readFileSync(photo(3)).subarray(0, 5000));
const missing = join(tmp, 'missing.jpg');
const ffmpeg = await findFfmpeg().catch(() => undefined);
if (!ffmpeg) console.warn('[faceattr] no ffmpeg found (optional dependency @ffmpeg-installer/ffmpeg, or ffmpeg on PATH): the interrupted-video test is skipped');

describe('faceattr analyze: one record per input, in input order, on a pool of workers', () => {
  const inputs = [photo(2), truncated, blank, missing, photo(1)];

  it('--jsonl --jobs 2: faces, an empty face list, or the error code and message', async () => {
    const r = await run(['--jsonl', '--jobs', '2', ...inputs]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as AnalyzeResult);
    expect(lines.map((l) => l.file)).toEqual(inputs);
    expect((lines[0] as FileResult).faces.length).toBeGreaterThan(0);
    expect(lines[1]).toEqual({ file: truncated, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/truncated JPEG/) } });
    expect(lines[2]).toEqual({ file: blank, width: 320, height: 240, faces: [] });
    expect(lines[3]).toMatchObject({ file: missing, error: { code: 'INVALID_INPUT' } });
    expect((lines[4] as FileResult).faces.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('--csv: a zero-face image gets a row with empty face columns, a failed one its error columns', async () => {
    const r = await run(['--csv', '--jobs', '2', blank, truncated]);
    const [head, ...rows] = r.stdout.trimEnd().split('\n');
    expect(head!.endsWith(',error_code,error_message')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe(`${blank},320,240,,,,,,,,,,,,,,,,,`);
    expect(rows[1]).toMatch(new RegExp(`^${truncated},,,.*,INVALID_INPUT,.*truncated JPEG`));
  }, 120_000);

  it('--json: a proper array, with the same records as --jsonl', async () => {
    const [a, b] = await Promise.all([run(['--json', '--jobs', '1', ...inputs]), run(['--jsonl', '--jobs', '1', ...inputs])]);
    expect(JSON.parse(a.stdout)).toEqual(b.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)));
  }, 180_000);
});

describe('faceattr analyze interrupted (the built CLI, SIGINT mid-run)', () => {
  it('--json --annotate: writes the finished records as a closed array, exits 130, leaves only whole annotated files', async () => {
    const dir = join(tmp, 'many');
    mkdirSync(dir);
    const files: string[] = [];
    for (let k = 0; k < 4; k++) for (let n = 1; n <= 6; n++) files.push(join(dir, `p${k}-${n}.jpg`));
    files.forEach((f, i) => copyFileSync(photo((i % 6) + 1), f));
    const out = join(tmp, 'many-annotated');
    const cli = spawnCli(['analyze', ...FAST, '--json', '--jobs', '1', '--annotate', out, dir]);
    await cli.waitFor((stdout) => (stdout.match(/"faces"/g) ?? []).length >= 2);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    const records = JSON.parse(cli.stdout) as FileResult[];
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.length).toBeLessThan(files.length);
    expect(records.map((r) => r.file)).toEqual(files.slice(0, records.length));
    const written = readdirSync(out).sort();
    expect(written.filter((f) => f.endsWith('.partial'))).toEqual([]);
    // Each record's annotated copy exists and is a whole JPEG; nothing else was written.
    expect(written).toEqual(records.map((r) => r.file.split('/').at(-1)!).sort());
    for (const f of written) expect((await decodeImage(join(out, f))).width).toBeGreaterThan(0);
  }, 240_000);

  it('--jsonl: every line written before the interrupt is a whole record', async () => {
    const cli = spawnCli(['analyze', ...FAST, '--jsonl', '--jobs', '2', photo(1), photo(2), photo(3), photo(4), photo(5), photo(6), photo(1), photo(2)]);
    await cli.waitFor((stdout) => stdout.includes('\n'));
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(130);
    const lines = cli.stdout.split('\n');
    expect(lines.at(-1)).toBe('');
    for (const l of lines.slice(0, -1)) expect((JSON.parse(l) as FileResult).faces).toBeDefined();
  }, 240_000);

  it.skipIf(!ffmpeg)('a video with --annotate: no .partial file and no truncated video is left', async () => {
    const clip = join(tmp, 'long.mp4');
    await makePanClip(clip, { photo: photo(1), sceneWidth: 720, width: 480, height: 360, frames: 150, fps: 10, x0: 20, y0: 30, dx: 1, dy: 0 }, ffmpeg!);
    const out = join(tmp, 'video-annotated');
    const cli = spawnCli(['analyze', ...FAST, '--annotate', out, clip]);
    const partial = join(out, 'long.annotated.mp4.partial');
    // The annotated video is being written: interrupt it mid-file.
    await cli.waitFor(() => existsSync(partial) && statSync(partial).size > 0);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(readdirSync(out)).toEqual([]);
  }, 240_000);
});
