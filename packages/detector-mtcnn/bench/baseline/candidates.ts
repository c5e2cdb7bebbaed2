import { nonMaxSuppression, regressBox, squareBox, type Box } from '@faceattr/core';

/** A face candidate between cascade stages. */
export interface Candidate {
  box: Box;
  score: number;
  /** Regression offsets (dx1, dy1, dx2, dy2) as fractions of `box`, not yet applied. */
  reg: readonly [number, number, number, number];
}

/** Keeps the candidates surviving NMS, highest score first. */
export function nms<C extends { box: Box; score: number }>(cands: readonly C[], threshold: number, mode: 'union' | 'min'): C[] {
  const keep = nonMaxSuppression(
    cands.map((c) => c.box),
    cands.map((c) => c.score),
    threshold,
    mode,
  );
  return keep.map((i) => cands[i]!);
}

/** Applies each candidate's regression. */
export function regressed(c: Candidate): Box {
  return regressBox(c.box, c.reg[0], c.reg[1], c.reg[2], c.reg[3]);
}

/** The square a next stage crops: regressed, then squared (the nets were trained on square crops). */
export function nextCrop(c: Candidate): Box {
  return squareBox(regressed(c));
}
