import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline } from '../pipeline/create-pipeline.js';
import { expectFaceAttrError } from '../testing/expect-error.js';
import { fakePlugins } from '../testing/fake-plugins.js';
import { loadModelAsset } from './load-asset.js';
import { resolveModelSource } from './model-context.js';
import { sha256Hex } from './sha256.js';

const SECRET = new TextEncoder().encode('secret outside the model folder\n');
const WEIGHTS = new TextEncoder().encode('weights inside the model folder\n');

/** A manifest whose `data` artifact is `paths`, each declared with `bytes` and its sha256 (so only confinement can refuse it). */
async function manifestNaming(paths: readonly string[], bytes = SECRET): Promise<string> {
  const sha256 = await sha256Hex(bytes);
  return JSON.stringify({
    format: 'faceattr-model/1',
    name: 'm',
    version: '1',
    inputs: [],
    outputs: [],
    artifacts: { data: { entry: paths[0], files: paths } },
    files: paths.map((path) => ({ path, bytes: bytes.length, sha256 })),
    license: 'MIT',
    source: {},
  });
}

let root: string;
/** root/models/m: the model folder; root/outside/secret.bin: what an escaping manifest would read. */
let modelDir: string;
let secretPath: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'faceattr-confine-'));
  modelDir = join(root, 'models', 'm');
  mkdirSync(modelDir, { recursive: true });
  mkdirSync(join(root, 'outside'));
  secretPath = join(root, 'outside', 'secret.bin');
  writeFileSync(secretPath, SECRET);
  writeFileSync(join(modelDir, 'weights.bin'), WEIGHTS);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes the manifest into the model folder and loads it from `base` (the folder as a path or a file: URL). */
async function loadNaming(paths: readonly string[], base: string | URL, bytes = SECRET) {
  writeFileSync(join(modelDir, 'manifest.json'), await manifestNaming(paths, bytes));
  return loadModelAsset(base, 'data');
}

const ESCAPES = () => [
  pathToFileURL(secretPath).toString(),
  `file://${secretPath}`,
  secretPath,
  '../../outside/secret.bin',
  '%2e%2e/%2e%2e/outside/secret.bin',
  '%2E%2E/%2E%2E/outside/secret.bin',
  '.%2e/.%2e/outside/secret.bin',
  '..%2f..%2foutside%2fsecret.bin',
  '..\\..\\outside\\secret.bin',
  'sub/../../../outside/secret.bin',
  '//localhost/etc/passwd',
  'file:///etc/passwd',
];

describe('model files stay inside the manifest folder (Node files)', () => {
  for (const [kind, base] of [
    ['directory path', () => modelDir],
    ['file: URL', () => pathToFileURL(`${modelDir}/`)],
  ] as const) {
    it(`refuses every path that leaves the folder, with a ${kind} base, naming the file`, async () => {
      for (const path of ESCAPES()) {
        const e = await expectFaceAttrError(loadNaming([path], base()), 'MODEL_LOAD_FAILED');
        expect(e.message, path).toContain(JSON.stringify(path));
      }
    });
  }

  it('loads a plain relative file, also through a symlink to a regular file inside the folder', async () => {
    mkdirSync(join(modelDir, 'sub'), { recursive: true });
    symlinkSync('../weights.bin', join(modelDir, 'sub', 'inner-link.bin'));
    const a = await loadNaming(['weights.bin', 'sub/inner-link.bin'], modelDir, WEIGHTS);
    expect(new TextDecoder().decode(a.files.get('sub/inner-link.bin'))).toBe(new TextDecoder().decode(WEIGHTS));
    // The folder itself may be reached through a symlink (node_modules links workspaces).
    const linkedRoot = join(root, 'linked-models');
    symlinkSync(join(root, 'models'), linkedRoot);
    expect((await loadNaming(['weights.bin'], join(linkedRoot, 'm'), WEIGHTS)).files.size).toBe(1);
  });

  it('refuses a symlink that leads outside the folder, to a regular file or to /dev/zero, without reading it', async () => {
    symlinkSync(secretPath, join(modelDir, 'escape.bin'));
    const e = await expectFaceAttrError(loadNaming(['escape.bin'], modelDir), 'MODEL_LOAD_FAILED');
    expect(e.message).toMatch(/escape\.bin: it is a link to .*secret\.bin, outside the model's folder/);
    symlinkSync('/dev/zero', join(modelDir, 'zero.bin'));
    const t0 = performance.now();
    const z = await expectFaceAttrError(loadNaming(['zero.bin'], modelDir), 'MODEL_LOAD_FAILED');
    expect(z.message).toMatch(/zero\.bin: it is a link to \/dev\/zero, outside/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('refuses a FIFO and a directory at once (no wait for a writer), and a file larger than declared without reading it all', async () => {
    execFileSync('mkfifo', [join(modelDir, 'pipe.bin')]);
    mkdirSync(join(modelDir, 'dir.bin'));
    for (const name of ['pipe.bin', 'dir.bin']) {
      const t0 = performance.now();
      const e = await expectFaceAttrError(loadNaming([name], modelDir), 'MODEL_LOAD_FAILED');
      expect(e.message).toContain(`${name}: it is not a regular file`);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
    writeFileSync(join(modelDir, 'big.bin'), Buffer.alloc(8 << 20));
    const e = await expectFaceAttrError(loadNaming(['big.bin'], modelDir), 'MODEL_LOAD_FAILED');
    expect(e.message).toMatch(new RegExp(`big\\.bin has ${8 << 20} bytes, more than the ${SECRET.length} its manifest declares`));
    const huge = join(root, 'huge-manifest');
    mkdirSync(huge);
    writeFileSync(join(huge, 'manifest.json'), Buffer.alloc(2 << 20, 0x20));
    expect((await expectFaceAttrError(loadModelAsset(huge, 'data'), 'MODEL_LOAD_FAILED')).message).toContain(`more than the ${1 << 20} a manifest may have`);
  });

  it('an asset name cannot climb out of modelBasePath, and models[name] only finds own keys', async () => {
    await expectFaceAttrError(resolveModelSource('../outside', { modelBasePath: join(root, 'models') }), 'MODEL_LOAD_FAILED');
    await expectFaceAttrError(resolveModelSource('a/b', { modelBasePath: join(root, 'models') }), 'MODEL_LOAD_FAILED');
    expect(await resolveModelSource('constructor', { models: {}, modelBasePath: '/base' })).toBe('/base/constructor');
  });
});

/** A server on 127.0.0.1 recording each request path; `handle` answers (or not). */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    handle(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('model files over http', () => {
  let site: Awaited<ReturnType<typeof serve>>;
  let other: Awaited<ReturnType<typeof serve>>;
  /** Manifests by request path; /hang/* never answers; /stall/* sends headers and part of a body; /endless/* never ends its body. */
  const manifests = new Map<string, string>();
  beforeAll(async () => {
    other = await serve((_, res) => res.end(SECRET));
    site = await serve((req, res) => {
      const path = req.url ?? '';
      if (path.startsWith('/hang/')) return;
      if (path.startsWith('/stall/')) return void res.writeHead(200).write('{"format":');
      if (manifests.has(path)) return void res.end(manifests.get(path));
      if (path.startsWith('/endless/')) {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 << 10);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        return pump();
      }
      if (path.startsWith('/liar/')) return void res.writeHead(200, { 'content-length': String(1 << 30) }).write('x');
      res.end(path.endsWith('/weights.bin') ? WEIGHTS : SECRET);
    });
  });
  afterAll(() => {
    site.server.closeAllConnections();
    other.server.closeAllConnections();
    site.server.close();
    other.server.close();
  });

  it('never requests another origin or a path outside the folder, whatever the manifest says', async () => {
    const names = ['%2e%2e/secret.bin', '.%2e/secret.bin', `${other.url}/exfil`, `//127.0.0.1:${new URL(other.url).port}/exfil`, 'http://localhost/x', 'a?b=../../x', '..\\secret.bin'];
    for (const path of names) {
      manifests.set('/models/m/manifest.json', await manifestNaming([path]));
      const e = await expectFaceAttrError(loadModelAsset(`${site.url}/models/m/`, 'data'), 'MODEL_LOAD_FAILED');
      expect(e.message, path).toContain(JSON.stringify(path));
    }
    expect(other.seen).toEqual([]);
    expect(site.seen.every((p) => p === '/models/m/manifest.json')).toBe(true);
    manifests.set('/models/m/manifest.json', await manifestNaming(['weights.bin'], WEIGHTS));
    expect((await loadModelAsset(`${site.url}/models/m`, 'data')).files.get('weights.bin')).toEqual(WEIGHTS);
  });

  it('a server that never answers makes createPipeline reject within modelTimeoutMs', async () => {
    const f = fakePlugins({ detector: { models: ['m'] }, attributeModel: null });
    const t0 = performance.now();
    const e = await expectFaceAttrError(
      createPipeline({ backend: f.backend, detector: f.detector, attributeModel: null, modelBasePath: `${site.url}/hang/`, modelTimeoutMs: 300 }),
      'MODEL_LOAD_FAILED',
    );
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(e.message).toContain('took longer than 300 ms (modelTimeoutMs)');
    expect(e.details).toMatchObject({ reason: 'timeout', file: `${site.url}/hang/m/manifest.json` });
    // Headers and half a body, then silence: the same limit applies to the whole response.
    await expectFaceAttrError(loadModelAsset(`${site.url}/stall/m`, 'data', { timeoutMs: 300 }), 'MODEL_LOAD_FAILED');
  });

  it('the signal aborts loading: createPipeline rejects with reason "aborted"', async () => {
    const f = fakePlugins({ detector: { models: ['m'] }, attributeModel: null });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('user left')), 100);
    const e = await expectFaceAttrError(
      createPipeline({ backend: f.backend, detector: f.detector, attributeModel: null, modelBasePath: `${site.url}/hang/`, signal: ctl.signal }),
      'MODEL_LOAD_FAILED',
    );
    expect(e.message).toContain('was aborted (user left)');
    expect(e.details).toMatchObject({ reason: 'aborted' });
  });

  it('a response larger than declared is cut off and refused: an endless body, and a content-length over the size', async () => {
    manifests.set('/endless/m/manifest.json', await manifestNaming(['model.bin']));
    const e = await expectFaceAttrError(loadModelAsset(`${site.url}/endless/m`, 'data'), 'MODEL_LOAD_FAILED');
    expect(e.message).toContain(`/endless/m/model.bin has more than ${SECRET.length} bytes`);
    manifests.set('/liar/m/manifest.json', await manifestNaming(['model.bin']));
    const l = await expectFaceAttrError(loadModelAsset(`${site.url}/liar/m`, 'data'), 'MODEL_LOAD_FAILED');
    expect(l.message).toContain(`/liar/m/model.bin has ${1 << 30} bytes, more than the ${SECRET.length}`);
  });

  it('refuses modelTimeoutMs and signal of the wrong type', async () => {
    const { log: _, ...f } = fakePlugins();
    for (const bad of [{ modelTimeoutMs: 0 }, { modelTimeoutMs: Number.NaN }, { signal: {} }]) {
      await expectFaceAttrError(createPipeline({ ...f, ...bad } as never), 'INVALID_OPTIONS');
    }
  });
});
