import { readFileSync } from 'node:fs';
import { resizeImage } from '../../core/src/index.js';
import { detectMultiScale, parseCascadeXml } from '../src/index.js';
import { WasmScanner } from '../src/scan-wasm.js';
import * as integ from '../src/integral.js';
import { loadDemo } from '../src/testing/demo-photos.js';
import { FRONTALFACE_XML } from '../src/testing/opencv-reference.js';
const cascade = parseCascadeXml(readFileSync(FRONTALFACE_XML, 'utf8'));
const frame = resizeImage(await loadDemo('sample1.jpg'), 640, 480);
let scanT = 0;
const orig = WasmScanner.prototype.scan;
WasmScanner.prototype.scan = function (...a: Parameters<typeof orig>) { const s = performance.now(); orig.apply(this, a); scanT += performance.now() - s; };
for (let r = 0; r < 4; r++) {
  const t: number[] = []; const sc: number[] = [];
  for (let i = 0; i < 9; i++) { scanT = 0; const s = performance.now(); detectMultiScale(cascade, frame, { engine: 'wasm' }); t.push(performance.now() - s); sc.push(scanT); }
  t.sort((x, y) => x - y); sc.sort((x, y) => x - y); console.log('total', t[4]!.toFixed(1), 'scan', sc[4]!.toFixed(1));
}
