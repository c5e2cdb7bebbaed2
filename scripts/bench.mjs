// npm run bench: runs every package benchmark in turn (each writes its own results JSON next to
// it and prints a table). Timings are noisy on a shared 2-core machine: each script compares
// against a baseline measured in the same process, and the ratios are what we report.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  'packages/backend-onnx/bench/backend-latency.ts',
  'packages/backend-onnx/bench/session-options.ts',
  'packages/detector-mtcnn/bench/bench.ts',
  'packages/detector-haar/bench/haar-bench.ts',
  'packages/detector-haar/bench/confirmed-bench.ts',
  'packages/eval/bench/frame-latency.ts',
  'packages/eval/bench/attribute-latency.ts',
  'packages/eval/bench/encoder-ab.ts',
  'packages/cli/bench/scale-bench.ts',
  // Minutes long (10,000 tracked frames): `npm run bench -- track-soak`, FACEATTR_SOAK_FRAMES to shorten.
  'packages/eval/bench/track-soak.ts',
  'packages/eval/bench/decode-latency.ts',
  'packages/eval/bench/analyze-latency.ts',
];
const only = process.argv.slice(2);
let failed = 0;
for (const b of benches) {
  if (only.length && !only.some((o) => b.includes(o))) continue;
  if (!existsSync(b)) {
    console.log(`skip ${b} (not present)`);
    continue;
  }
  console.log(`\n== ${b}`);
  const r = spawnSync('npx', ['tsx', '--conditions=@faceattr/source', b], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
