/** Box-set agreement used by the parity tests and the bench. Test/bench only. */
import { iou, type Box } from '@faceattr/core';

export interface Agreement {
  /** Boxes of `a` with a box of `b` at IoU >= minIou. */
  aMatched: number;
  aTotal: number;
  bMatched: number;
  bTotal: number;
}

/** How many boxes of each set have a partner in the other at IoU >= `minIou` (0.8 by default). */
export function agreement(a: readonly Box[], b: readonly Box[], minIou = 0.8): Agreement {
  const matched = (from: readonly Box[], to: readonly Box[]) => from.filter((x) => to.some((y) => iou(x, y) >= minIou)).length;
  return { aMatched: matched(a, b), aTotal: a.length, bMatched: matched(b, a), bTotal: b.length };
}

export function addAgreement(t: Agreement, x: Agreement): void {
  t.aMatched += x.aMatched;
  t.aTotal += x.aTotal;
  t.bMatched += x.bMatched;
  t.bTotal += x.bTotal;
}

/** Share of matched boxes, 1 when there are none to match. */
export const share = (matched: number, total: number) => (total === 0 ? 1 : matched / total);
