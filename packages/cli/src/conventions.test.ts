// Issue 15, item 3: the CLI as people expect from a command-line tool (help, version, one-line usage
// errors, real defaults, --min-score/--max-faces, --embedding, --crops).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faceAttributes } from '@faceattr/attributes';
import { decodeImage } from '@faceattr/core/node';
import { expectFaceAttrError } from '@faceattr/core/testing';
import { DEFAULT_MTCNN_OPTIONS } from '@faceattr/detector-mtcnn';
import { demoPhoto as photo } from '@faceattr/test-support';
import type { FileResult } from './analyze.js';
import { createPipelinePool } from './pool/pool.js';
import { runMain, spawnCli } from '../test/support.js';

const tmp = mkdtempSync(join(tmpdir(), 'faceattr-conventions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FAST = ['--min-face-size', '40'];
const analyze = (args: string[]) => runMain(['analyze', ...FAST, ...args]);
const jsonFaces = (stdout: string) => (JSON.parse(stdout) as FileResult[]).flatMap((f) => f.faces);
/** A usage error: exit 2, nothing on stdout, the problem on one line and where the usage is. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, command: string, problem: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(problem);
  expect(lines[1]).toBe(`Run 'faceattr ${command ? `${command} ` : ''}--help' for usage.`);
}

describe('faceattr as a process (the built bin): help, version, usage errors', () => {
  it('COMMAND --help / -h prints that command\'s help with the real defaults and exits 0', async () => {
    for (const [command, args] of [['analyze', ['--help']], ['analyze', ['-h', 'x.jpg']], ['eval', ['--help']], ['queue', ['add', '-h']], ['worker', ['--help']]] as const) {
      const p = spawnCli([command, ...args]);
      expect(await p.exited, `${command} ${args.join(' ')}: ${p.stderr}`).toBe(0);
      expect(p.stdout).toMatch(new RegExp(`^Usage:\\n  faceattr ${command} `));
      expect(p.stdout).not.toMatch(/Unknown option/);
    }
    const help = spawnCli(['analyze', '--help']);
    await help.exited;
    expect(DEFAULT_MTCNN_OPTIONS.minFaceSize).toBe(40);
    expect(help.stdout).toContain(`--min-face-size PX               smallest face to look for (default: mtcnn ${DEFAULT_MTCNN_OPTIONS.minFaceSize}, haar any)`);
    expect(help.stdout).toContain('--backend NAME                   inference backend (default onnx');
    for (const flag of ['--min-score X', '--max-faces N', '--embedding', '--crops OUT_DIR']) expect(help.stdout).toContain(flag);
  }, 60_000);

  it('--version prints the version of packages/cli/package.json', async () => {
    const p = spawnCli(['--version']);
    expect(await p.exited).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(p.stdout).toBe(`${version}\n`);
  }, 30_000);

  it('a usage error prints one line and a pointer to --help, not the whole usage, and exits 2', async () => {
    const p = spawnCli(['analyze', '--bogus', photo(1)]);
    await p.exited;
    expectUsageError({ code: await p.exited, stdout: p.stdout, stderr: p.stderr }, 'analyze', /^faceattr: Unknown option '--bogus'/);
    expectUsageError(await runMain(['eval', '--limit', '0', tmp]), 'eval', /--limit must be a positive integer/);
    expectUsageError(await runMain(['frobnicate']), '', /Unknown command/);
  }, 30_000);
});

describe('faceattr analyze: --max-faces, --min-score (the pipeline options), checked', () => {
  it('--max-faces N keeps the N best faces; --min-score X drops those scored below X', async () => {
    const all = jsonFaces((await analyze(['--json', photo(1)])).stdout);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const scores = all.map((f) => f.score).sort((a, b) => b - a);
    const one = jsonFaces((await analyze(['--json', '--max-faces', '1', photo(1)])).stdout);
    expect(one.map((f) => f.score)).toEqual([scores[0]]);
    // A threshold between two distinct scores: the faces above it stay, the rest go.
    const i = scores.findIndex((s, k) => k + 1 < scores.length && s > scores[k + 1]!);
    expect(i).toBeGreaterThanOrEqual(0);
    const threshold = (scores[i]! + scores[i + 1]!) / 2;
    const kept = jsonFaces((await analyze(['--json', '--min-score', String(threshold), photo(1)])).stdout);
    expect(kept.map((f) => f.score).sort((a, b) => b - a)).toEqual(scores.slice(0, i + 1));
  }, 120_000);

  it('refuses bad values with a one-line usage error (analyze and worker), and the pool with INVALID_OPTIONS', async () => {
    for (const bad of [['--min-score', '1.5'], ['--min-score', 'abc'], ['--min-score', ''], ['--max-faces', '0'], ['--max-faces', '2.5']]) {
      expectUsageError(await analyze([...bad, photo(1)]), 'analyze', new RegExp(`${bad[0]} must be`));
    }
    // node:util's three-line message for a value that looks like an option, on one line.
    expectUsageError(await analyze(['--min-score', '-1', photo(1)]), 'analyze', /--min-score' argument is ambiguous\. Did you forget/);
    // Checked before the worker connects to Redis (nothing listens on port 1).
    expectUsageError(await runMain(['worker', '--redis', 'redis://127.0.0.1:1', '--min-score=-0.1']), 'worker', /--min-score must be a number in \[0, 1\]/);
    expectUsageError(await runMain(['worker', '--redis', 'redis://127.0.0.1:1', '--max-faces', 'x']), 'worker', /--max-faces must be a positive integer/);
    await expectFaceAttrError(createPipelinePool({ size: 1, minScore: 2 }), 'INVALID_OPTIONS');
    await expectFaceAttrError(createPipelinePool({ size: 1, maxFaces: 0 }), 'INVALID_OPTIONS');
  }, 120_000);
});

describe('faceattr analyze --embedding and --crops', () => {
  const spec = faceAttributes().spec;

  it('--embedding adds each face\'s embedding in --json/--jsonl and is refused with --csv or text', async () => {
    const r = await analyze(['--jsonl', '--embedding', photo(2)]);
    expect(r.code).toBe(0);
    const faces = (JSON.parse(r.stdout) as FileResult).faces;
    expect(faces.length).toBeGreaterThan(0);
    for (const f of faces) {
      expect(f.embedding).toHaveLength(spec.dim);
      expect(f.embedding!.every(Number.isFinite)).toBe(true);
      expect(f.age).toBeGreaterThan(0);
    }
    expect(jsonFaces((await analyze(['--json', photo(2)])).stdout)[0]).not.toHaveProperty('embedding');
    for (const format of [['--csv'], []]) {
      expectUsageError(await analyze([...format, '--embedding', photo(2)]), 'analyze', /^faceattr: --embedding needs --json or --jsonl/);
    }
  }, 120_000);

  it('--crops DIR writes each face\'s aligned chip as IMAGE-FACE.jpg, never over an input', async () => {
    const dir = join(tmp, 'crops');
    mkdirSync(dir);
    // An input named like a crop of another input in the same folder: its bytes must survive.
    const a = join(dir, 'a.jpg');
    const a0 = join(dir, 'a-0.jpg');
    copyFileSync(photo(2), a);
    copyFileSync(photo(3), a0);
    const r = await analyze(['--json', '--crops', dir, a, a0]);
    expect(r.code).toBe(0);
    const [ra, ra0] = JSON.parse(r.stdout) as FileResult[];
    expect(readFileSync(a0)).toEqual(readFileSync(photo(3)));
    const names = readdirSync(dir).sort();
    const want = [...ra!.faces.map((_, i) => `a-2-${i}.jpg`), ...ra0!.faces.map((_, i) => `a-0-${i}.jpg`), 'a.jpg', 'a-0.jpg'].sort();
    expect(names).toEqual(want);
    const crop = await decodeImage(join(dir, 'a-2-0.jpg'));
    expect([crop.width, crop.height]).toEqual([spec.size, spec.size]);
    // The chip holds a face: the detector finds one filling most of it.
    const again = jsonFaces((await runMain(['analyze', '--json', '--min-face-size', '20', join(dir, 'a-2-0.jpg')])).stdout);
    expect(again.length).toBeGreaterThanOrEqual(1);
    expect(again[0]!.box.width).toBeGreaterThan(spec.size / 3);
  }, 120_000);
});
