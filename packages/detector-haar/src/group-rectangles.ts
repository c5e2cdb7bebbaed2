import type { Box } from '@faceattr/core';
import { roundHalfEven } from './rounding.js';

const f32 = Math.fround;

/** OpenCV's SimilarRects: each edge within eps * (min width + min height) / 2 of the other box's. */
function similar(a: Box, b: Box, eps: number): boolean {
  const delta = eps * (Math.min(a.width, b.width) + Math.min(a.height, b.height)) * 0.5;
  return (
    Math.abs(a.x - b.x) <= delta &&
    Math.abs(a.y - b.y) <= delta &&
    Math.abs(a.x + a.width - b.x - b.width) <= delta &&
    Math.abs(a.y + a.height - b.y - b.height) <= delta
  );
}

/** Equivalence classes of `similar` (transitive closure), numbered by first member. */
function partition(rects: readonly Box[], eps: number): { labels: Int32Array; count: number } {
  const n = rects.length;
  const parent = new Int32Array(n).fill(-1);
  const find = (i: number): number => {
    let r = i;
    while (parent[r]! >= 0) r = parent[r]!;
    while (parent[i]! >= 0 && i !== r) {
      const next = parent[i]!;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (!similar(rects[i]!, rects[j]!, eps)) continue;
      const a = find(i);
      const b = find(j);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const labels = new Int32Array(n);
  const classOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let c = classOf.get(root);
    if (c === undefined) classOf.set(root, (c = classOf.size));
    labels[i] = c;
  }
  return { labels, count: classOf.size };
}

/** A box averaged from overlapping raw hits (OpenCV's `groupRectangles`). */
export interface GroupedBox {
/** The average of the group's boxes. */
  box: Box;
  /** How many raw hits were averaged into this box. */
  neighbors: number;
}

/**
 * OpenCV's `groupRectangles(rects, groupThreshold, eps)`: clusters similar raw hits, averages each
 * cluster (float32 mean, rounded), keeps clusters of more than `groupThreshold` hits, and drops a
 * cluster lying inside a bigger, better-supported one. `groupThreshold <= 0` returns the hits as they are.
 */
export function groupRectangles(rects: readonly Box[], groupThreshold: number, eps = 0.2): GroupedBox[] {
  if (groupThreshold <= 0 || rects.length === 0) return rects.map((box) => ({ box: { ...box }, neighbors: 1 }));
  const { labels, count } = partition(rects, eps);
  const acc = Array.from({ length: count }, () => ({ x: 0, y: 0, width: 0, height: 0, n: 0 }));
  rects.forEach((r, i) => {
    const a = acc[labels[i]!]!;
    a.x += r.x;
    a.y += r.y;
    a.width += r.width;
    a.height += r.height;
    a.n++;
  });
  const avg = acc.map((a) => {
    const s = f32(1 / a.n);
    return { x: roundHalfEven(f32(a.x * s)), y: roundHalfEven(f32(a.y * s)), width: roundHalfEven(f32(a.width * s)), height: roundHalfEven(f32(a.height * s)) };
  });
  const out: GroupedBox[] = [];
  for (let i = 0; i < count; i++) {
    const r1 = avg[i]!;
    const n1 = acc[i]!.n;
    if (n1 <= groupThreshold) continue;
    let inside = false;
    for (let j = 0; j < count && !inside; j++) {
      const n2 = acc[j]!.n;
      if (j === i || n2 <= groupThreshold) continue;
      const r2 = avg[j]!;
      const dx = roundHalfEven(r2.width * eps);
      const dy = roundHalfEven(r2.height * eps);
      inside =
        r1.x >= r2.x - dx &&
        r1.y >= r2.y - dy &&
        r1.x + r1.width <= r2.x + r2.width + dx &&
        r1.y + r1.height <= r2.y + r2.height + dy &&
        (n2 > Math.max(3, n1) || n1 < 3);
    }
    if (!inside) out.push({ box: r1, neighbors: n1 });
  }
  return out;
}
