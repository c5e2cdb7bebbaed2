/**
 * Trains the age / gender / race heads on cached UTKFace embeddings (see extract-embeddings.ts)
 * and writes them to packages/tools/heads-src/heads-<encoder>.{json,bin}, from which the model
 * build makes the `heads-<encoder>` asset.
 *
 *   npm run train-heads -w @faceattr/eval -- [--encoder dlib-resnet-128] [--epochs 40] [--backend wasm|cpu]
 *
 * Heads (one MLP per task on the standardised embedding):
 *  - age: 101-way softmax over ages 0..100, trained against a Gaussian label distribution
 *    (sigma 2.5 years) plus an L1 term on the expected age: a distribution gives both the
 *    estimate (its mean) and an uncertainty (its spread), and beats plain regression (DLDL).
 *  - gender: sigmoid, binary cross-entropy.
 *  - race: 5-way softmax, cross-entropy weighted by inverse class frequency (UTKFace is 42% White).
 * Deterministic: seeded initialisation and shuffling, single-threaded tfjs.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered separately from tfjs-core's ops.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { AGE_BINS } from '@faceattr/attributes';
import { computeMetrics, type EvalSample } from '@faceattr/cli/eval';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const encoder = arg('encoder', 'dlib-resnet-128');
const epochs = Number(arg('epochs', '30'));
const seed = Number(arg('seed', '1'));
const hidden = Number(arg('hidden', '256'));
const lr = Number(arg('lr', '0.001'));
const l2 = Number(arg('l2', '0.0001'));
const batchSize = Number(arg('batch', '512'));
const AGE_SIGMA = 2.5;
const AGE_L1 = 0.05;

interface Split {
  x: Float32Array;
  n: number;
  age: Int32Array;
  gender: Int32Array;
  race: Int32Array;
}

/** Loads every cached shard of a split; the mirrored copy is used for training only. */
function loadSplit(split: string, withMirror: boolean): { data: Split; dim: number } {
  const cache = join(here, '.cache');
  const bases = readdirSync(cache)
    .filter((f) => f.startsWith(`${encoder}-${split}`) && f.endsWith('.json'))
    .sort()
    .map((f) => join(cache, f.replace(/\.json$/, '')));
  if (!bases.length) throw new Error(`no cached ${split} embeddings for ${encoder}: run extract-embeddings.ts first`);
  const xs: number[][] = [];
  const rows: { age: number; gender: number; race: number }[] = [];
  let dim = 0;
  for (const base of bases) {
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { dim: number; rows: { age: number; gender: number; race: number; found: boolean[] }[] };
    const buf = readFileSync(`${base}.f32`);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    dim = meta.dim;
    meta.rows.forEach((r, i) => {
      for (const k of withMirror ? [0, 1] : [0]) {
        if (!r.found[k]) continue;
        xs.push(Array.from(all.subarray((i * 2 + k) * dim, (i * 2 + k + 1) * dim)));
        rows.push(r);
      }
    });
  }
  const n = rows.length;
  const x = new Float32Array(n * dim);
  xs.forEach((v, i) => x.set(v, i * dim));
  return {
    dim,
    data: {
      x,
      n,
      age: Int32Array.from(rows, (r) => Math.min(AGE_BINS - 1, r.age)),
      gender: Int32Array.from(rows, (r) => r.gender),
      race: Int32Array.from(rows, (r) => r.race),
    },
  };
}

/** mulberry32: small, fast, seedable. */
function rng(s: number) {
  return () => {
    s |= 0;
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

await tf.setBackend(arg('backend', 'wasm'));
await tf.ready();
const rand = rng(seed);
const glorot = (fanIn: number, fanOut: number) => {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return tf.variable(tf.tensor2d(Float32Array.from({ length: fanIn * fanOut }, () => (rand() * 2 - 1) * lim), [fanIn, fanOut]));
};
const zeros = (n: number) => tf.variable(tf.zeros([n]));

// --train-split val exists only to smoke-test this script quickly; real heads never train on val.
const { data: train, dim } = loadSplit(arg('train-split', 'train'), true);
const { data: val } = loadSplit('val', false);
console.log(`train ${train.n} embeddings (with mirrors), val ${val.n}, dim ${dim}, backend ${tf.getBackend()}`);

// Standardisation from train only; folded into the first layers when exporting.
const mu = new Float32Array(dim);
const sd = new Float32Array(dim);
for (let i = 0; i < train.n; i++) for (let d = 0; d < dim; d++) mu[d]! += train.x[i * dim + d]! / train.n;
for (let i = 0; i < train.n; i++) for (let d = 0; d < dim; d++) sd[d]! += (train.x[i * dim + d]! - mu[d]!) ** 2 / train.n;
for (let d = 0; d < dim; d++) sd[d] = Math.sqrt(sd[d]!) + 1e-6;
const standardise = (x: Float32Array, n: number) => {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = (x[i * dim + d]! - mu[d]!) / sd[d]!;
  return out;
};
const trainX = standardise(train.x, train.n);
const valX = standardise(val.x, val.n);

const P = {
  ageW1: glorot(dim, hidden), ageB1: zeros(hidden), ageW2: glorot(hidden, AGE_BINS), ageB2: zeros(AGE_BINS),
  genW1: glorot(dim, hidden / 2), genB1: zeros(hidden / 2), genW2: glorot(hidden / 2, 1), genB2: zeros(1),
  raceW1: glorot(dim, hidden), raceB1: zeros(hidden), raceW2: glorot(hidden, 5), raceB2: zeros(5),
};

function forward(x: tf.Tensor2D) {
  const ageLogits = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, P.ageW1), P.ageB1)), P.ageW2), P.ageB2);
  const genLogit = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, P.genW1), P.genB1)), P.genW2), P.genB2);
  const raceLogits = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, P.raceW1), P.raceB1)), P.raceW2), P.raceB2);
  return { ageLogits, genLogit, raceLogits };
}

// Soft age labels: a discretised Gaussian around the true age.
const AGE_DIST = Array.from({ length: AGE_BINS }, (_, age) => {
  const p = Float32Array.from({ length: AGE_BINS }, (_, a) => Math.exp(-((a - age) ** 2) / (2 * AGE_SIGMA ** 2)));
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
});
const raceCounts = [0, 0, 0, 0, 0];
for (const r of train.race) raceCounts[r]!++;
const raceWeights = raceCounts.map((c) => train.n / (5 * c));
console.log('race counts', raceCounts, 'weights', raceWeights.map((w) => w.toFixed(2)));
const ages = tf.reshape(tf.range(0, AGE_BINS), [AGE_BINS, 1]) as tf.Tensor2D;

const optimizer = tf.train.adam(lr);
const order = Int32Array.from({ length: train.n }, (_, i) => i);
for (let epoch = 1; epoch <= epochs; epoch++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let total = 0;
  let batches = 0;
  for (let start = 0; start < train.n; start += batchSize) {
    const idx = order.subarray(start, Math.min(train.n, start + batchSize));
    const b = idx.length;
    const xb = new Float32Array(b * dim);
    const ageT = new Float32Array(b * AGE_BINS);
    const ageY = new Float32Array(b);
    const genY = new Float32Array(b);
    const raceY = new Float32Array(b * 5);
    const raceW = new Float32Array(b);
    idx.forEach((k, i) => {
      xb.set(trainX.subarray(k * dim, (k + 1) * dim), i * dim);
      ageT.set(AGE_DIST[train.age[k]!]!, i * AGE_BINS);
      ageY[i] = train.age[k]!;
      genY[i] = train.gender[k]!;
      raceY[i * 5 + train.race[k]!] = 1;
      raceW[i] = raceWeights[train.race[k]!]!;
    });
    const cost = optimizer.minimize(() => {
      const x = tf.tensor2d(xb, [b, dim]);
      const { ageLogits, genLogit, raceLogits } = forward(x);
      const ageLogP = tf.logSoftmax(ageLogits);
      const ageCe = tf.neg(tf.mean(tf.sum(tf.mul(tf.tensor2d(ageT, [b, AGE_BINS]), ageLogP), 1)));
      const ageMean = tf.reshape(tf.matMul(tf.exp(ageLogP), ages), [b]);
      const ageL1 = tf.mean(tf.abs(tf.sub(ageMean, tf.tensor1d(ageY))));
      const genLoss = tf.losses.sigmoidCrossEntropy(tf.tensor2d(genY, [b, 1]), genLogit);
      const w = tf.tensor1d(raceW);
      const raceLogLik = tf.sum(tf.mul(tf.tensor2d(raceY, [b, 5]), tf.logSoftmax(raceLogits)), 1);
      const raceCe = tf.neg(tf.div(tf.sum(tf.mul(w, raceLogLik)), tf.sum(w)));
      const decay = [P.ageW1, P.ageW2, P.genW1, P.genW2, P.raceW1, P.raceW2].map((v) => tf.sum(tf.square(v))).reduce((a, b) => tf.add(a, b));
      return [ageCe, tf.mul(AGE_L1, ageL1), genLoss, raceCe, tf.mul(l2, decay)].reduce((a, b) => tf.add(a, b)) as tf.Scalar;
    }, true);
    total += (await cost!.data())[0]!;
    cost!.dispose();
    batches++;
  }
  if (epoch % 5 === 0 || epoch === epochs) {
    const m = evaluate();
    console.log(`epoch ${epoch} loss ${(total / batches).toFixed(4)} val: age MAE ${m.age_mae} CS5 ${m.age_cs5} gender ${m.gender_acc} race ${m.race_acc} F1 ${m.race_macro_f1}`);
  }
}

function predictAll(x: Float32Array, n: number) {
  return tf.tidy(() => {
    const { ageLogits, genLogit, raceLogits } = forward(tf.tensor2d(x, [n, dim]));
    return {
      age: tf.matMul(tf.softmax(ageLogits), ages).dataSync(),
      female: tf.sigmoid(genLogit).dataSync(),
      race: tf.argMax(raceLogits, 1).dataSync(),
    };
  });
}

function evaluate() {
  const p = predictAll(valX, val.n);
  const samples: EvalSample[] = Array.from({ length: val.n }, (_, i) => ({
    age: val.age[i]!,
    gender: val.gender[i]! as 0 | 1,
    race: val.race[i]!,
    pred: { age: p.age[i]!, female: p.female[i]!, race: p.race[i]! },
  }));
  return computeMetrics(samples);
}

// Export with the standardisation folded into each head's first layer:
// W' = W / sd (row-wise), b' = b - (mu / sd) . W.
const fold = (W: tf.Variable, B: tf.Variable) => {
  const w = W.dataSync() as Float32Array;
  const b = Float32Array.from(B.dataSync());
  const out = W.shape[1]!;
  const w2 = new Float32Array(w.length);
  for (let d = 0; d < dim; d++) {
    for (let o = 0; o < out; o++) {
      w2[d * out + o] = w[d * out + o]! / sd[d]!;
      b[o]! -= (mu[d]! / sd[d]!) * w[d * out + o]!;
    }
  }
  return { w: w2, b };
};
const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
for (const head of ['age', 'gen', 'race'] as const) {
  const W1 = P[`${head}W1`];
  const f = fold(W1, P[`${head}B1`]);
  const name = head === 'gen' ? 'gender' : head;
  tensors[`${name}/dense1/kernel`] = { shape: W1.shape, data: f.w };
  tensors[`${name}/dense1/bias`] = { shape: [W1.shape[1]!], data: f.b };
  tensors[`${name}/dense2/kernel`] = { shape: P[`${head}W2`].shape, data: P[`${head}W2`].dataSync() as Float32Array };
  tensors[`${name}/dense2/bias`] = { shape: P[`${head}B2`].shape, data: P[`${head}B2`].dataSync() as Float32Array };
}
const final = evaluate();
const outDir = arg('out', join(here, '..', '..', 'tools', 'heads-src'));
mkdirSync(outDir, { recursive: true });
const names = Object.keys(tensors).sort();
const bin = new Float32Array(names.reduce((n, k) => n + tensors[k]!.data.length, 0));
let off = 0;
const spec = names.map((k) => {
  bin.set(tensors[k]!.data, off);
  off += tensors[k]!.data.length;
  return { name: k, shape: tensors[k]!.shape };
});
writeFileSync(join(outDir, `heads-${encoder}.bin`), new Uint8Array(bin.buffer));
writeFileSync(
  join(outDir, `heads-${encoder}.json`),
  `${JSON.stringify({ encoder, dim, ageBins: AGE_BINS, trainedOn: `UTKFace train split (${train.n} embeddings incl. mirrors)`, settings: { epochs, seed, hidden, lr, l2, batchSize, ageSigma: AGE_SIGMA, ageL1: AGE_L1 }, valMetrics: final, tensors: spec }, null, 2)}\n`,
);
console.log(JSON.stringify(final, null, 1));
