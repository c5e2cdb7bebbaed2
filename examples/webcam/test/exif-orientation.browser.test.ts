/**
 * Issue 14, item 1, in the browser: Chromium's createImageBitmap and <img> apply a JPEG's EXIF Orientation, so
 * the library's browser image adapter (toRgbImage on an ImageBitmap or HTMLImageElement) reads upright pixels
 * for all 8 tags, as decodeImage does in Node. Only needs Chromium; skips with a message without it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeImage } from '@faceattr/core';
import { decodeImageBytes } from '@faceattr/core/node';
import { demoPhoto, encodeJpeg, orientedJpeg } from '@faceattr/test-support';
import * as env from '../scripts/browser-env.mjs';

const problem = existsSync(env.CHROMIUM) ? undefined : `no Chromium at ${env.CHROMIUM} (Debian: apt-get install -y chromium; or set FACEATTR_CHROMIUM)`;
if (problem) console.warn(`[faceattr] browser EXIF orientation test skipped: ${problem}`);

interface Read {
  via: string;
  orientation: number;
  width: number;
  height: number;
  meanDiff: number;
}

/** The page's side: read every file through the adapter both ways and compare with the upright pixels. */
function readInPage(arg: { files: string[]; upright: string }): Promise<Read[]> {
  const core = (window as unknown as { faceattrCore: { toRgbImage(x: unknown): { data: Uint8Array; width: number; height: number } } }).faceattrCore;
  const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const upright = bytes(arg.upright);
  const mean = (px: Uint8Array) => {
    if (px.length !== upright.length) return Number.POSITIVE_INFINITY;
    let s = 0;
    for (let i = 0; i < px.length; i++) s += Math.abs(px[i]! - upright[i]!);
    return s / px.length;
  };
  return (async () => {
    const out: Read[] = [];
    for (const [i, file] of arg.files.entries()) {
      const blob = new Blob([bytes(file)], { type: 'image/jpeg' });
      const bitmap = await createImageBitmap(blob);
      const a = core.toRgbImage(bitmap);
      out.push({ via: 'createImageBitmap', orientation: i + 1, width: a.width, height: a.height, meanDiff: mean(a.data) });
      const img = document.createElement('img');
      img.src = URL.createObjectURL(blob);
      await img.decode();
      const b = core.toRgbImage(img);
      out.push({ via: '<img>', orientation: i + 1, width: b.width, height: b.height, meanDiff: mean(b.data) });
    }
    return out;
  })();
}

describe.skipIf(problem !== undefined)('EXIF orientation in Chromium, through the browser image adapter', () => {
  let browser: Awaited<ReturnType<typeof env.launchChromium>>;
  let script: string;

  beforeAll(async () => {
    // The adapter as a page script, bundled from core's sources (the demo's own build does not expose it).
    const dir = path.join(env.OUT, 'exif');
    mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, "import { toRgbImage } from '@faceattr/core';\n(window as any).faceattrCore = { toRgbImage };\n");
    const { build } = await import('vite');
    const { SOURCE_CONDITION } = await import('../../../scripts/package-entries.mjs');
    const result = (await build({
      configFile: false,
      logLevel: 'warn',
      resolve: { conditions: [SOURCE_CONDITION, 'browser', 'import', 'default'] },
      build: { write: false, lib: { entry, formats: ['iife'], name: 'faceattrExif' }, minify: false },
    })) as { output: { code?: string }[] }[];
    script = result[0]!.output[0]!.code!;
    browser = await env.launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('createImageBitmap and <img> give the upright photo for Orientation 1..8', async () => {
    // sample1.jpg at 480x320; the reference went through the same JPEG encoder, so only the block grid differs.
    const upright = resizeImage(decodeImageBytes(new Uint8Array(readFileSync(demoPhoto(1)))), 480, 320);
    const page = await browser.context.newPage();
    await page.setContent('<!doctype html><title>exif</title>');
    await page.addScriptTag({ content: script });
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const uprightSeen = await page.evaluate(readInPage, { files: [b64(encodeJpeg(upright, 100))], upright: b64(upright.data) });
    const files = [1, 2, 3, 4, 5, 6, 7, 8].map((o) => b64(orientedJpeg(upright, o, 100)));
    const reads = await page.evaluate(readInPage, { files, upright: b64(upright.data) });
    await page.close();
    const floor = Math.max(...uprightSeen.map((r) => r.meanDiff)); // JPEG loss of the untagged upright file
    expect(floor).toBeLessThan(2);
    expect(reads.length).toBe(16);
    for (const r of reads) {
      expect([r.via, r.orientation, r.width, r.height]).toEqual([r.via, r.orientation, 480, 320]);
      expect(r.meanDiff, `${r.via}, orientation ${r.orientation}`).toBeLessThan(floor + 1);
    }
  }, 120_000);
});
