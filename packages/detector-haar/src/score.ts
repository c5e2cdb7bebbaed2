/**
 * Detection score from the number of raw hits grouped into a box (OpenCV's "neighbours"):
 * n / (n + 10). Monotone in n and in [0, 1): 4 hits (the least that passes the default
 * minNeighbors 3) give 0.29, 10 give 0.5, 40 give 0.8. It is a confidence ranking, not a probability.
 */
export function neighborScore(neighbors: number): number {
  return neighbors / (neighbors + 10);
}
