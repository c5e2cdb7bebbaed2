/**
 * Round half to even: OpenCV's cvRound / saturate_cast<int> (lrint in its WebAssembly build, and
 * softfloat's rounding for resize coefficients). Used for window positions and sizes, pyramid
 * level sizes and group means, so ties land where OpenCV puts them.
 */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
