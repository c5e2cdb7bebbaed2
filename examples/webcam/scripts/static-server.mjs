// A tiny static file server for the built demo: 127.0.0.1 only, cross-origin isolated
// (COOP/COEP, so the wasm runtimes get SharedArrayBuffer), no directory listings, no caching.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

/** Headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
};

/**
 * A connect-style middleware serving the files of `dir` under the URL prefix `prefix` ('/models/').
 * @param {string} prefix
 * @param {string} dir
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function serveDir(prefix, dir) {
  const root = path.resolve(dir);
  return (req, res, next) => {
    const url = (req.url ?? '').split('?')[0] ?? '';
    if (!url.startsWith(prefix)) return next();
    let rel = decodeURIComponent(url.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) return next();
      size = st.size;
    } catch {
      return next();
    }
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };
}

/**
 * Serves `routes` (most specific prefix first) on 127.0.0.1 at a free port.
 * @param {{ prefix: string, dir: string }[]} routes
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startStaticServer(routes) {
  const handlers = [...routes].sort((a, b) => b.prefix.length - a.prefix.length).map((r) => serveDir(r.prefix, r.dir));
  const server = createServer((req, res) => {
    let i = 0;
    const next = () => {
      const h = handlers[i++];
      if (h) h(req, res, next);
      else res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not found: ${req.url}`);
    };
    next();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}
