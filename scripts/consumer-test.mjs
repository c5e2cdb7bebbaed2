#!/usr/bin/env node
// The consumer test (.ci/run): packs every public package, installs the tarballs into temporary projects
// outside the workspace as a user would, runs the README quick start as ESM and as CommonJS, type-checks a
// strict `nodenext` TypeScript consumer, and prints what each install weighs. Needs `npm run build` first
// and the npm registry (or its cache) for the third-party dependencies.
//
//   node scripts/consumer-test.mjs [--keep] [--json FILE]
//
// Projects: `node-onnx` (the README quick start: core, backend-onnx + onnxruntime-node, detector-mtcnn,
// attributes), `node-tfjs` (the same on backend-tfjs, no ONNX Runtime), and `browser-tfjs`: the tfjs-wasm +
// MTCNN + default-attributes page bundled with esbuild, counted with the files a browser fetches (the
// bundle, one tfjs wasm binary, the model files), gzipped, as they go over the wire; that bundle is the
// README's plain `<script type="module">` page, which is then loaded in headless Chromium when there is one.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const MB = (n) => `${(n / 1e6).toFixed(1)} MB`;
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const run = (cmd, argv, cwd) => execFileSync(cmd, argv, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
/** Versions the consumers install from the registry, as the workspace pins them. */
const pinned = (pkg, dep) => {
  const p = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
  return p.devDependencies?.[dep] ?? p.dependencies?.[dep] ?? p.peerDependencies?.[dep];
};

/** Apparent bytes of every file under `dir` (links not followed), and of each top-level package in its node_modules. */
function treeBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += statSync(p).size;
      else if (e.isSymbolicLink()) total += lstatSync(p).size;
    }
  };
  walk(dir);
  return total;
}
function packagesIn(nodeModules) {
  const out = {};
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const dirs = name.startsWith('@') ? readdirSync(join(nodeModules, name)).map((n) => `${name}/${n}`) : [name];
    for (const d of dirs) out[d] = treeBytes(join(nodeModules, d));
  }
  return out;
}

/**
 * Serves the README's plain `<script type="module">` page (the bundle, the tfjs-assets models, the wasm files and
 * the photo, nothing else) on 127.0.0.1 and checks in headless Chromium that it finds sample1.jpg's faces.
 */
async function plainPage(dir, bundle, wasmDir, models, photo) {
  const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  let chromium;
  try {
    statSync(chromiumPath);
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.log(`  plain page: skipped (no Chromium at ${chromiumPath} or no playwright-core)`);
    return;
  }
  const pub = join(dir, 'public');
  mkdirSync(join(pub, 'tfjs-wasm'), { recursive: true });
  copyFileSync(bundle, join(pub, 'faceattr.js'));
  copyFileSync(photo, join(pub, 'photo.jpg'));
  for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(pub, 'tfjs-wasm', f));
  cpSync(models, join(pub, 'models'), { recursive: true });
  writeFileSync(
    join(pub, 'index.html'),
    `<!doctype html><img id="photo" src="photo.jpg">
<script type="module">
  import { createPipeline, tfjsBackend, mtcnn, faceAttributes } from './faceattr.js';
  try {
    await document.getElementById('photo').decode();
    const pipeline = await createPipeline({ backend: tfjsBackend({ runtime: 'wasm', wasmPaths: './tfjs-wasm/' }),
      detector: mtcnn(), attributeModel: faceAttributes(), modelBasePath: new URL('./models/', location.href) });
    window.result = (await pipeline.detect(document.getElementById('photo'))).map((f) => ({ age: f.age.years, gender: f.gender.label }));
  } catch (e) {
    window.result = { error: String(e && e.stack || e) };
  }
</script>
`,
  );
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.jpg': 'image/jpeg' };
  const server = createServer((req, res) => {
    let path = join(pub, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(pub)) return void res.writeHead(403).end();
    try {
      if (statSync(path).isDirectory()) path = join(path, 'index.html');
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.result !== undefined, undefined, { timeout: 180_000 });
    const result = await page.evaluate(() => window.result);
    if (!Array.isArray(result) || result.length < 3) throw new Error(`the plain page gave ${JSON.stringify(result)}`);
    console.log(`  plain <script type="module"> page in Chromium: ${result.length} faces (${result.map((f) => `${f.gender} ${f.age.toFixed(1)}`).join(', ')})`);
  } finally {
    await browser.close();
    server.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'faceattr-consumer-'));
const results = { packs: {}, installs: {} };
try {
  // 1. Pack every public package (prepack scripts run: the asset packages copy MODELS.md in).
  const publicPackages = readdirSync(join(ROOT, 'packages'))
    .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) }))
    .filter((p) => !p.pkg.private);
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tarballs, ...publicPackages.flatMap((p) => ['-w', p.pkg.name])], ROOT));
  const file = {};
  for (const p of packed) {
    file[p.name] = join(tarballs, p.filename);
    results.packs[p.name] = { tarball: p.size, unpacked: p.unpackedSize, files: p.entryCount };
  }
  console.log('packed (tarball / unpacked):');
  for (const [name, s] of Object.entries(results.packs)) console.log(`  ${name.padEnd(28)} ${MB(s.tarball).padStart(9)} / ${MB(s.unpacked).padStart(9)}`);

  /** A project that installs `deps` (our tarballs by name, others from the registry); our dependencies on each other resolve to the tarballs too. */
  function project(name, deps) {
    const dir = join(work, name);
    mkdirSync(dir);
    const dependencies = Object.fromEntries(deps.map((d) => (file[d] ? [d, `file:${file[d]}`] : d.split(/(?<=.)@/))));
    const overrides = Object.fromEntries(Object.entries(file).map(([n, f]) => [n, `file:${f}`]));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, version: '0.0.0', dependencies, overrides }, null, 2));
    const t0 = Date.now();
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
    const sizes = packagesIn(join(dir, 'node_modules'));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    const ours = Object.entries(sizes).filter(([n]) => n.startsWith('@faceattr/')).reduce((a, [, b]) => a + b, 0);
    const largest = Object.entries(sizes).sort((a, b) => b[1] - a[1]).slice(0, 6);
    results.installs[name] = { deps, nodeModules: total, faceattr: ours, largest: Object.fromEntries(largest), installSeconds: (Date.now() - t0) / 1000 };
    console.log(`\n${name}: npm install ${deps.join(' ')}`);
    console.log(`  node_modules ${MB(total)} (@faceattr/* ${MB(ours)}); largest: ${largest.map(([n, b]) => `${n} ${MB(b)}`).join(', ')}`);
    return dir;
  }

  const photo = join(work, 'photo.jpg');
  copyFileSync(join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg'), photo);
  /** Runs a quick-start file and checks it printed the faces of sample1.jpg (three, each with an age and a gender). */
  function quickStart(dir, fileName, text) {
    writeFileSync(join(dir, fileName), text);
    const out = run(process.execPath, [fileName, photo], dir).trim().split('\n');
    const faces = out.filter((l) => /^face /.test(l));
    if (faces.length < 3 || !faces.every((l) => /age \d+(\.\d+)? .*(male|female)/.test(l))) throw new Error(`${fileName} printed:\n${out.join('\n')}`);
    console.log(`  ${fileName}: ${faces.length} faces (${faces[0]})`);
  }
  const body = (backend) => `
const pipeline = await createPipeline({ backend: ${backend}, detector: mtcnn(), attributeModel: faceAttributes() });
try {
  const faces = await pipeline.detect(await decodeImage(process.argv[2]));
  for (const f of faces) console.log('face', JSON.stringify(f.box), 'age', f.age?.years.toFixed(1), f.age?.uncertainty.toFixed(1), f.gender?.label, f.gender?.probability.toFixed(3));
} finally {
  await pipeline.dispose();
}
`;
  const esm = (backendPkg, backendFn, backend) => `import { createPipeline } from '@faceattr/core';
import { decodeImage } from '@faceattr/core/node';
import { ${backendFn} } from '${backendPkg}';
import { mtcnn } from '@faceattr/detector-mtcnn';
import { faceAttributes } from '@faceattr/attributes';
${body(backend)}`;

  // 2. The README quick start on onnxruntime-node: ESM, CommonJS, and strict nodenext TypeScript.
  const nodeOnnx = project('node-onnx', ['@faceattr/core', '@faceattr/backend-onnx', `onnxruntime-node@${pinned('backend-onnx', 'onnxruntime-node')}`, '@faceattr/detector-mtcnn', '@faceattr/attributes']);
  quickStart(nodeOnnx, 'quick-start.mjs', esm('@faceattr/backend-onnx', 'onnxBackend', 'onnxBackend()'));
  quickStart(
    nodeOnnx,
    'quick-start.cjs',
    `const { createPipeline } = require('@faceattr/core');
const { decodeImage } = require('@faceattr/core/node');
const { onnxBackend } = require('@faceattr/backend-onnx');
const { mtcnn } = require('@faceattr/detector-mtcnn');
const { faceAttributes } = require('@faceattr/attributes');
(async () => {${body('onnxBackend()')}})().catch((e) => { console.error(e); process.exit(1); });
`,
  );
  writeFileSync(join(nodeOnnx, 'quick-start.ts'), esm('@faceattr/backend-onnx', 'onnxBackend', 'onnxBackend()'));
  writeFileSync(
    join(nodeOnnx, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['quick-start.ts'] }, null, 2),
  );
  // Type-checking needs TypeScript and Node's types: installed after the size was measured (they are not the library's).
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-save', `typescript@${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.typescript}`, `@types/node@${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies['@types/node']}`], nodeOnnx);
  writeFileSync(join(nodeOnnx, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(nodeOnnx, 'package.json'), 'utf8')), type: 'module' }, null, 2));
  run(process.execPath, [join(nodeOnnx, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], nodeOnnx);
  console.log('  quick-start.ts: tsc --strict --module nodenext: no errors');

  // 3. The same on tfjs (wasm): no ONNX Runtime at all.
  const nodeTfjs = project('node-tfjs', ['@faceattr/core', '@faceattr/backend-tfjs', '@faceattr/detector-mtcnn', '@faceattr/attributes']);
  quickStart(nodeTfjs, 'quick-start.mjs', esm('@faceattr/backend-tfjs', 'tfjsBackend', "tfjsBackend({ runtime: 'wasm' })"));

  // 4. The browser page: tfjs wasm + MTCNN + the default attributes, bundled, and the files it fetches.
  const { build } = await import('esbuild');
  // The README's plain-page bundle: everything the page imports, in one ES module.
  const entry = join(nodeTfjs, 'faceattr-entry.mjs');
  writeFileSync(entry, "export * from '@faceattr/core'; export * from '@faceattr/backend-tfjs'; export * from '@faceattr/detector-mtcnn'; export * from '@faceattr/attributes';\n");
  const bundle = join(nodeTfjs, 'faceattr.js');
  await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: bundle, logLevel: 'error' });
  const wasmDir = join(nodeTfjs, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  // A cross-origin isolated page fetches the threaded build, others the plain SIMD one: count the larger.
  const wasm = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => join(wasmDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  const models = join(nodeTfjs, 'node_modules', '@faceattr', 'assets-tfjs', 'models');
  // What the default page loads: MTCNN and the attribute model's default encoder with its heads.
  const { DEFAULT_FACE_ATTRIBUTES } = await import(pathToFileURL(join(nodeTfjs, 'node_modules', '@faceattr', 'attributes', 'dist', 'index.js')).href);
  const encoder = DEFAULT_FACE_ATTRIBUTES.encoder;
  const modelFiles = ['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet', encoder, `heads-${encoder}`]
    .flatMap((n) => {
      const m = JSON.parse(readFileSync(join(models, n, 'manifest.json'), 'utf8'));
      return [join(models, n, 'manifest.json'), ...m.artifacts['tfjs-graph'].files.map((f) => join(models, n, f))];
    });
  const wire = (files) => files.reduce((acc, f) => {
    const bytes = readFileSync(f);
    return { raw: acc.raw + bytes.length, gzip: acc.gzip + gzipSync(bytes, { level: 9 }).length };
  }, { raw: 0, gzip: 0 });
  const parts = { bundle: wire([bundle]), wasm: wire([wasm]), models: wire(modelFiles) };
  const total = { raw: parts.bundle.raw + parts.wasm.raw + parts.models.raw, gzip: parts.bundle.gzip + parts.wasm.gzip + parts.models.gzip };
  results.browser = { ...parts, total, wasmFile: relative(nodeTfjs, wasm), modelFiles: modelFiles.map((f) => relative(models, f)) };
  console.log('\nbrowser-tfjs (tfjs wasm + MTCNN + default attributes; raw / gzip -9):');
  for (const [k, v] of Object.entries({ ...parts, total })) console.log(`  ${k.padEnd(7)} ${MB(v.raw).padStart(9)} / ${MB(v.gzip).padStart(9)}`);

  // 5. The README's plain page in headless Chromium (skipped with a message where there is none).
  await plainPage(nodeTfjs, bundle, wasmDir, models, photo);
} finally {
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
