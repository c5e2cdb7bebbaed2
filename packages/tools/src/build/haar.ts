import type { ModelManifest } from '@faceattr/core';
// The compact form is defined next to its reader, in @faceattr/detector-haar's public cascade entry.
import { encodeCascade, parseCascadeXml } from '@faceattr/detector-haar/cascade';
import { readPinned } from './pinned-source.js';
import { writeAsset } from './write-asset.js';

const XML_FILE = {
  pkg: 'opencv.js',
  version: '1.2.1',
  path: 'tests/haarcascade_frontalface_default.xml',
  sha256: '0f7d4527844eb514d4a4948e822da90fbb16a34a0bbbbc6adc6498747a5aafb0',
} as const;

/** The license comment at the top of the cascade XML (Intel License Agreement), kept verbatim. */
function licenseText(xml: string): string {
  const m = /<!--([\s\S]*?)-->/.exec(xml);
  if (!m || !m[1]!.includes('Intel License Agreement')) throw new Error(`${XML_FILE.path} no longer starts with the Intel License Agreement comment.`);
  return `${m[1]!.trim()}\n`;
}

/**
 * OpenCV's haarcascade_frontalface_default (Rainer Lienhart's 24x24 stump cascade, 25 stages),
 * converted from the pinned XML to the compact binary form @faceattr/detector-haar reads
 * (same float32 values, about a seventh of the bytes). The XML's license header ships as LICENSE.txt.
 */
export function buildHaarFrontalface(root: string): ModelManifest {
  const xml = readPinned(XML_FILE).toString('utf8');
  const cascade = parseCascadeXml(xml);
  const bin = encodeCascade(cascade);
  return writeAsset(
    root,
    {
      name: 'haar-frontalface-default',
      version: '1.0.0',
      description:
        'OpenCV haarcascade_frontalface_default (Lienhart, stump-based 24x24 boosted cascade) in the faceattr compact cascade form (FAHC v1) read by @faceattr/detector-haar.',
      inputs: [],
      outputs: [],
      artifacts: { data: { entry: 'cascade.bin', files: ['cascade.bin'] } },
      license: 'Intel License Agreement For Open Source Computer Vision Library (3-clause BSD style), as stated in the cascade file; full text in LICENSE.txt',
      source: {
        package: XML_FILE.pkg,
        version: XML_FILE.version,
        path: XML_FILE.path,
        sha256: { [XML_FILE.path]: XML_FILE.sha256 },
        // The provenance strings below are kept as first written, so the built manifest stays byte-identical.
        notes: 'Converted by packages/models/src/build/haar.ts: parsed with parseCascadeXml, written with encodeCascade; numbers kept as the float32 values OpenCV reads.',
      },
      extra: {
        format: 'FAHC/1',
        window: [cascade.width, cascade.height],
        stages: cascade.stages.length,
        features: cascade.features.length,
        defaults: { scaleFactor: 1.1, minNeighbors: 3 },
      },
    },
    { 'cascade.bin': bin, 'LICENSE.txt': new TextEncoder().encode(licenseText(xml)) },
  );
}
