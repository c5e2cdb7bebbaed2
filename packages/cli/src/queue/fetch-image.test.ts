import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFaceAttrError } from '@faceattr/core/testing';
import { demoPhoto as photo } from '@faceattr/test-support';
import { fetchImage } from './fetch-image.js';

describe('fetchImage (queue jobs with http(s) URLs): a real local server', () => {
  const jpeg = readFileSync(photo(1));
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/photo.jpg') res.end(jpeg);
      else if (req.url === '/big') res.writeHead(200, { 'content-length': String(10 << 20) }).end();
      else if (req.url === '/endless') {
        res.writeHead(200); // no length: the limit applies while reading
        const chunk = Buffer.alloc(64 << 10);
        const push = () => (res.write(chunk) ? setImmediate(push) : res.once('drain', push));
        push();
        res.on('error', () => undefined);
      } else if (req.url === '/silent') req.on('close', () => res.destroy()); // never answers
      else res.writeHead(req.url === '/busy' ? 503 : 404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  it('returns the bytes', async () => {
    expect(Buffer.from(await fetchImage(`${base}/photo.jpg`)).equals(jpeg)).toBe(true);
  });

  it('refuses bodies over the size limit, by Content-Length and while reading (not retried)', async () => {
    const declared = await expectFaceAttrError(fetchImage(`${base}/big`, { maxBytes: 1 << 20 }), 'INVALID_INPUT');
    expect(declared.message).toMatch(/over the 1048576-byte limit/);
    expect(declared.details).toMatchObject({ transient: false });
    const streamed = await expectFaceAttrError(fetchImage(`${base}/endless`, { maxBytes: 1 << 20 }), 'INVALID_INPUT');
    expect(streamed.details).toMatchObject({ transient: false });
  });

  it('gives up after the timeout, and marks timeouts and 5xx as worth a retry, 404 not', async () => {
    const t0 = performance.now();
    const slow = await expectFaceAttrError(fetchImage(`${base}/silent`, { timeoutMs: 300 }), 'INVALID_INPUT');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(slow.message).toMatch(/no answer within 300 ms/);
    expect(slow.details).toMatchObject({ transient: true });
    expect((await expectFaceAttrError(fetchImage(`${base}/busy`), 'INVALID_INPUT')).details).toMatchObject({ transient: true });
    expect((await expectFaceAttrError(fetchImage(`${base}/missing`), 'INVALID_INPUT')).details).toMatchObject({ transient: false });
  });
});
