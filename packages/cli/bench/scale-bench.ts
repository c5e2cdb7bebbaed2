// Issue 17 benchmark: `faceattr analyze --jobs 1` vs `--jobs 2` (images/s and CPU use, one run), one pool
// worker's per-image latency vs today's single-threaded path (decode + pipeline.detect on this thread),
// and the queue with 1 and 2 worker processes. Writes scale-results.json beside this file.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@faceattr/core/node';
import { hasUtkface, UTKFACE_DIR, utkfaceRows } from '@faceattr/test-support';
import { buildPipeline, onnxThreads } from '../src/build-pipeline.js';
import { createPipelinePool } from '../src/pool/pool.js';
import { openQueue, queueStatus } from '../src/queue/queue.js';
import { CLI_BIN, REDIS_SERVER, startRedis } from '../test/support.js';

const N = Number(process.env['BENCH_IMAGES'] ?? 500);
const LATENCY_N = 100;
const QUEUE_N = Number(process.env['BENCH_QUEUE_IMAGES'] ?? 500);
const BACKEND = process.env['BENCH_BACKEND'] ?? 'onnx';
const PIPE = ['--backend', BACKEND, '--detector', 'mtcnn'];

if (!hasUtkface()) {
  console.log(`skip: UTKFace is not at ${UTKFACE_DIR}`);
  process.exit(0);
}
const files = utkfaceRows('val').slice(0, N).map((r) => join(UTKFACE_DIR, 'images', r.file));

/** CPU seconds of this process's reaped children (Linux /proc/self/stat cutime + cstime). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // fields 16, 17 (1-based, after pid and comm): clock ticks
}

function runCli(args: string[]): Promise<{ code: number; wall: number; cpu: number; stdout: string; firstAt: number }> {
  const cpu0 = childCpuSeconds();
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let firstAt = 0; // when the first record arrived: after it, model loading is over
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      firstAt ||= (performance.now() - t0) / 1000;
      stdout += d;
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (console.error(`faceattr exited on ${signal}`), -1), wall: (performance.now() - t0) / 1000, cpu: childCpuSeconds() - cpu0, stdout, firstAt }));
  });
}

async function analyzeRun(jobs: number) {
  const r = await runCli(['analyze', '--jsonl', '--jobs', String(jobs), ...PIPE, ...files]);
  const records = r.stdout.trimEnd().split('\n').length;
  if (r.code > 1 || records !== files.length) throw new Error(`analyze --jobs ${jobs} failed (${r.code}, ${records} records)`);
  const steady = (files.length - 1) / (r.wall - r.firstAt);
  return { jobs, images: files.length, wall_s: +r.wall.toFixed(2), images_per_s: +(files.length / r.wall).toFixed(2), images_per_s_after_first: +steady.toFixed(2), cpu_s: +r.cpu.toFixed(1), cores_busy: +(r.cpu / r.wall).toFixed(2) };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function latency() {
  const sample = files.slice(0, LATENCY_N);
  // Today's CLI path: decode and detect on this thread, one image after another (same thread settings as --jobs 1).
  const pipeline = await buildPipeline({ backend: BACKEND, detector: 'mtcnn', attributes: ['age', 'gender'], ...onnxThreads(BACKEND, 1) });
  const local: number[] = [];
  for (const f of sample) {
    const t0 = performance.now();
    await pipeline.detect(await decodeImage(f));
    local.push(performance.now() - t0);
  }
  await pipeline.dispose();
  // One pool worker, one job at a time: the round trip includes the thread hop and the result's structured clone.
  const pool = await createPipelinePool({ size: 1, backend: BACKEND, detector: 'mtcnn', ...onnxThreads(BACKEND, 1) });
  const pooled: number[] = [];
  for (const f of sample) {
    const t0 = performance.now();
    await pool.detectFile(f);
    pooled.push(performance.now() - t0);
  }
  await pool.dispose();
  return { images: sample.length, this_thread_median_ms: +median(local).toFixed(1), pool_worker_median_ms: +median(pooled).toFixed(1), ratio: +(median(pooled) / median(local)).toFixed(3) };
}

async function queueRun(redisUrl: string, workers: number) {
  const name = `bench-${workers}`;
  const add = await runCli(['queue', 'add', '--redis', redisUrl, '--queue', name, ...files.slice(0, QUEUE_N)]);
  if (add.code !== 0) throw new Error(`queue add failed: ${add.stdout}`);
  const q = openQueue(redisUrl, name);
  const t0 = performance.now();
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, [CLI_BIN, 'worker', '--redis', redisUrl, '--queue', name, '--jobs', '1', ...PIPE], { stdio: 'ignore' }),
  );
  // The steady rate is taken from the first 10% done to the end: by then every process has loaded its models.
  let firstDone = 0;
  let done = 0;
  let tenth = 0;
  for (;;) {
    const s = await queueStatus(q);
    done = s.completed + s.failed;
    if (done && !firstDone) firstDone = performance.now();
    if (done >= QUEUE_N / 10 && !tenth) tenth = performance.now();
    if (done >= QUEUE_N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = performance.now();
  await Promise.all(procs.map((p) => new Promise((r) => (p.once('close', r), p.kill('SIGTERM')))));
  await q.close();
  return { workers, images: QUEUE_N, wall_s: +((end - t0) / 1000).toFixed(2), images_per_s: +(QUEUE_N / ((end - t0) / 1000)).toFixed(2), images_per_s_after_first: +((QUEUE_N - 1) / ((end - firstDone) / 1000)).toFixed(2), images_per_s_last_90pct: +((QUEUE_N * 0.9) / ((end - tenth) / 1000)).toFixed(2) };
}

/**
 * The pool alone, in this process, one ONNX thread per worker for both sizes: the CLI's --jobs 1 gives its
 * one worker every core, and ONNX Runtime's spinning intra-op threads then cost CPU on a busy machine.
 */
async function poolScaling(size: number) {
  const pool = await createPipelinePool({ size, backend: BACKEND, detector: 'mtcnn', ...onnxThreads(BACKEND, 1) });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(files.map((f) => pool.detectFile(f).catch(() => undefined)));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await pool.dispose();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return { size, images: files.length, wall_s: +wall.toFixed(2), images_per_s: +(files.length / wall).toFixed(2), cpu_s: +cpuS.toFixed(1), cores_busy: +(cpuS / wall).toFixed(2) };
}

// BENCH_PARTS=analyze,pool,latency,queue runs some parts; the others keep their last results in the file.
const parts = new Set((process.env['BENCH_PARTS'] ?? 'analyze,pool,latency,queue').split(','));
const out = new URL('./scale-results.json', import.meta.url);
const previous = (await import('node:fs')).existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
const load0 = loadavg()[0]!;
let analyzeResult: unknown = previous['analyze'];
if (parts.has('analyze')) {
  const one = await analyzeRun(1);
  const two = await analyzeRun(2);
  console.log('analyze', one, two);
  analyzeResult = {
    jobs1: one,
    jobs2: two,
    speedup: +(two.images_per_s / one.images_per_s).toFixed(3),
    speedup_after_first: +(two.images_per_s_after_first / one.images_per_s_after_first).toFixed(3),
    target: 1.7,
  };
}
let poolResult: unknown = previous['pool_one_thread_per_worker'];
if (parts.has('pool')) {
  const p1 = await poolScaling(1);
  const p2 = await poolScaling(2);
  poolResult = { size1: p1, size2: p2, speedup: +(p2.images_per_s / p1.images_per_s).toFixed(3) };
  console.log('pool', poolResult);
}
const lat = parts.has('latency') ? await latency() : previous['latency'];
console.log('latency', lat);
let queue: unknown = previous['queue'] ?? 'skipped: no redis-server';
if (parts.has('queue') && process.platform === 'linux' && (await import('node:fs')).existsSync(REDIS_SERVER)) {
  const redis = await startRedis();
  try {
    const q1 = await queueRun(redis.url, 1);
    const q2 = await queueRun(redis.url, 2);
    queue = {
      one_worker: q1,
      two_workers: q2,
      ratio: +(q2.images_per_s / q1.images_per_s).toFixed(3),
      ratio_after_first: +(q2.images_per_s_after_first / q1.images_per_s_after_first).toFixed(3),
      ratio_last_90pct: +(q2.images_per_s_last_90pct / q1.images_per_s_last_90pct).toFixed(3),
    };
  } finally {
    await redis.stop();
  }
}
console.log('queue', queue);
const results = {
  date: new Date().toISOString(),
  command: 'npm run bench -- scale-bench',
  machine: { cores: availableParallelism(), loadavg_1m_start: +load0.toFixed(2), loadavg_1m_end: +loadavg()[0]!.toFixed(2), note: 'shared with a training job and other test runs' },
  backend: BACKEND,
  analyze: analyzeResult,
  pool_one_thread_per_worker: poolResult,
  latency: lat,
  queue,
};
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
