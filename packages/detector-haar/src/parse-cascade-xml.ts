import { FaceAttrError } from '@faceattr/core';
import type { HaarCascade, HaarFeature, HaarNode, HaarStage, HaarTree } from './cascade-types.js';
import { child, parseXml, type XmlElement } from './xml-tree.js';

const f32 = Math.fround;

function bad(what: string): never {
  throw new FaceAttrError('INVALID_INPUT', `Not a usable OpenCV Haar cascade: ${what}.`);
}

function need(el: XmlElement, tag: string, where: string): XmlElement {
  return child(el, tag) ?? bad(`<${tag}> is missing in ${where}`);
}

function numbers(el: XmlElement, where: string): number[] {
  const parts = el.text.trim().split(/\s+/).filter(Boolean);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) bad(`${where} holds ${JSON.stringify(p)}, not a finite number`);
    return v;
  });
}

function int(el: XmlElement, where: string): number {
  const v = numbers(el, where);
  if (v.length !== 1 || !Number.isInteger(v[0])) bad(`${where} must be one integer`);
  return v[0]!;
}

/** `<_>` items of a FileStorage sequence. */
function items(el: XmlElement): XmlElement[] {
  return el.children.filter((c) => c.tag === '_');
}

function readFeature(el: XmlElement, i: number, w: number, h: number): HaarFeature {
  const where = `feature ${i}`;
  const rects = items(need(el, 'rects', where)).map((r, k) => {
    const v = numbers(r, `${where} rect ${k}`);
    if (v.length !== 5) bad(`${where} rect ${k} needs "x y width height weight", got ${v.length} numbers`);
    const [x, y, width, height, weight] = v as [number, number, number, number, number];
    if (![x, y, width, height].every((n) => Number.isInteger(n) && n >= 0) || width === 0 || height === 0) {
      bad(`${where} rect ${k} has a bad geometry (${x} ${y} ${width} ${height})`);
    }
    return { x, y, width, height, weight: f32(weight) };
  });
  if (rects.length < 1 || rects.length > 3) bad(`${where} has ${rects.length} rects; Haar features have 1 to 3`);
  const t = child(el, 'tilted');
  const tilted = t !== undefined && int(t, `${where} <tilted>`) !== 0;
  for (const [k, r] of rects.entries()) {
    // Upright rects lie in the window; a tilted rect spans x-height..x+width and y..y+width+height.
    const inside = tilted
      ? r.x - r.height >= 0 && r.x + r.width <= w && r.y + r.width + r.height <= h
      : r.x + r.width <= w && r.y + r.height <= h;
    if (!inside) bad(`${where} rect ${k} leaves the ${w}x${h} window`);
  }
  return { rects, tilted };
}

function readTree(el: XmlElement, where: string, nFeatures: number): HaarTree {
  const raw = numbers(need(el, 'internalNodes', where), `${where} <internalNodes>`);
  const leaves = numbers(need(el, 'leafValues', where), `${where} <leafValues>`).map(f32);
  if (raw.length === 0 || raw.length % 4 !== 0) {
    bad(`${where} <internalNodes> must hold groups of 4 numbers (left right feature threshold), got ${raw.length}; categorical (LBP) trees are not supported`);
  }
  // OpenCV steps through the leaves assuming nodes + 1 per tree; anything else would misalign them.
  if (leaves.length !== raw.length / 4 + 1) bad(`${where} has ${raw.length / 4} nodes but ${leaves.length} leaves (expected ${raw.length / 4 + 1})`);
  const nodes: HaarNode[] = [];
  for (let k = 0; k < raw.length; k += 4) {
    const [left, right, featureIndex, threshold] = raw.slice(k, k + 4) as [number, number, number, number];
    if (!Number.isInteger(featureIndex) || featureIndex < 0 || featureIndex >= nFeatures) {
      bad(`${where} uses feature ${featureIndex}, but the cascade has ${nFeatures} features`);
    }
    for (const c of [left, right]) {
      const ok = Number.isInteger(c) && (c > 0 ? c < raw.length / 4 : -c < leaves.length);
      if (!ok) bad(`${where} node ${k / 4} points at child ${c}, which does not exist`);
    }
    nodes.push({ left, right, featureIndex, threshold: f32(threshold) });
  }
  return { nodes, leaves };
}

/** The cascade node of a parsed file: the first top-level element that has `<stages>` and `<features>`. */
function findCascade(doc: XmlElement): XmlElement {
  const storage = child(doc, 'opencv_storage') ?? bad('the root element <opencv_storage> is missing');
  const nodes = storage.children;
  const found = nodes.find((c) => child(c, 'stages') && child(c, 'features'));
  if (found) return found;
  if (nodes.some((c) => c.attributes['type_id'] === 'opencv-haar-classifier' || (child(c, 'stages') && child(c, 'size')))) {
    bad('this is an old-format (pre-2.2, <size>/<trees>) cascade; use the new-format file from OpenCV 3/4 data/haarcascades');
  }
  return bad('no element with <stages> and <features> under <opencv_storage>');
}

/**
 * Parses an OpenCV cascade XML (the format of OpenCV 3/4 `data/haarcascades/*.xml`:
 * `<cascade>` with `<stages>`, `<weakClassifiers>` and `<features>`, tilted features included).
 * Throws FaceAttrError INVALID_INPUT naming what is wrong.
 */
export function parseCascadeXml(xml: string | Uint8Array): HaarCascade {
  const text = typeof xml === 'string' ? xml : new TextDecoder().decode(xml);
  const c = findCascade(parseXml(text));
  const stageType = child(c, 'stageType')?.text.trim() ?? 'BOOST';
  if (stageType !== 'BOOST') bad(`stageType is ${JSON.stringify(stageType)}, only BOOST is supported`);
  const featureType = child(c, 'featureType')?.text.trim() ?? 'HAAR';
  if (featureType !== 'HAAR') bad(`featureType is ${JSON.stringify(featureType)}, only HAAR is supported`);
  const maxCat = child(c, 'featureParams') && child(child(c, 'featureParams')!, 'maxCatCount');
  if (maxCat && int(maxCat, '<maxCatCount>') !== 0) bad('categorical features (maxCatCount > 0) are not supported');
  const width = int(need(c, 'width', 'the cascade'), '<width>');
  const height = int(need(c, 'height', 'the cascade'), '<height>');
  if (width < 3 || height < 3) bad(`window ${width}x${height} is too small`);
  const features = items(need(c, 'features', 'the cascade')).map((f, i) => readFeature(f, i, width, height));
  if (features.length === 0) bad('<features> is empty');
  const stages: HaarStage[] = items(need(c, 'stages', 'the cascade')).map((s, si) => {
    const where = `stage ${si}`;
    const thr = numbers(need(s, 'stageThreshold', where), `${where} <stageThreshold>`);
    if (thr.length !== 1) bad(`${where} <stageThreshold> must be one number`);
    const trees = items(need(s, 'weakClassifiers', where)).map((t, ti) => readTree(t, `${where} classifier ${ti}`, features.length));
    if (trees.length === 0) bad(`${where} has no weak classifiers`);
    return { threshold: f32(thr[0]!), trees };
  });
  if (stages.length === 0) bad('<stages> is empty');
  const declared = child(c, 'stageNum');
  if (declared && int(declared, '<stageNum>') !== stages.length) bad(`<stageNum> says ${declared.text.trim()} but ${stages.length} stages are listed`);
  return { width, height, stages, features };
}
