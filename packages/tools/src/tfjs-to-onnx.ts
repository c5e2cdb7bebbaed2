/**
 * tfjs graph -> ONNX from the command line:
 *   node packages/tools/dist/tfjs-to-onnx.js <asset-dir | model.json> [...]
 * An asset folder (with manifest.json) gets model.onnx as its `onnx` artifact; a bare tfjs
 * model.json gets model.onnx written next to it.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addOnnxArtifact, readTfjsGraph } from './onnx/convert-asset.js';
import { convertTfjsGraph } from './onnx/tfjs-to-onnx.js';

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help')) {
  console.log('usage: tfjs-to-onnx <asset-dir | model.json> [...]');
  process.exit(args.length === 0 ? 1 : 0);
}
let failed = false;
for (const arg of args) {
  try {
    if (statSync(arg).isDirectory() && existsSync(join(arg, 'manifest.json'))) {
      const r = addOnnxArtifact(arg);
      if (!r) console.log(`${arg}: no tfjs-graph artifact, skipped`);
      else console.log(`${arg}: model.onnx ${r.converted.bytes.length} bytes, ops ${JSON.stringify(r.converted.onnxOps)}`);
    } else {
      const path = statSync(arg).isDirectory() ? join(arg, 'model.json') : arg;
      const { json, weights } = readTfjsGraph(path);
      const r = convertTfjsGraph(json, weights);
      const out = join(path, '..', 'model.onnx');
      writeFileSync(out, r.bytes);
      console.log(`${out}: ${r.bytes.length} bytes, ops ${JSON.stringify(r.onnxOps)}`);
    }
  } catch (e) {
    failed = true;
    console.error(`${arg}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
