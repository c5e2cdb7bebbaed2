/** One weighted rectangle of a Haar feature, in base-window pixels. */
export interface HaarRect {
  x: number;
  y: number;
  width: number;
  height: number;
  weight: number;
}

/** A Haar-like feature: 2 or 3 weighted rectangles, upright or tilted by 45 degrees (Lienhart). */
export interface HaarFeature {
  rects: HaarRect[];
  tilted: boolean;
}

/** A node of a weak classifier tree: `value < threshold` goes left, else right; `<= 0` children are leaves (`-child`). */
export interface HaarNode {
  left: number;
  right: number;
  featureIndex: number;
  threshold: number;
}

export interface HaarTree {
  nodes: HaarNode[];
  leaves: number[];
}

export interface HaarStage {
  /** The stage threshold as written in the cascade (float32). */
  threshold: number;
  trees: HaarTree[];
}

/**
 * A boosted Haar cascade (OpenCV "new format"). Numbers are float32 values, as OpenCV reads them,
 * so a cascade round-trips through the compact binary form unchanged.
 */
export interface HaarCascade {
  /** Base window size in pixels (24x24 for the frontal face cascade). */
  width: number;
  height: number;
  stages: HaarStage[];
  features: HaarFeature[];
}
