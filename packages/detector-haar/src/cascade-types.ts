/** One weighted rectangle of a Haar feature, in base-window pixels. */
export interface HaarRect {
/** Left edge. */
  x: number;
/** Top edge. */
  y: number;
/** Width. */
  width: number;
/** Height. */
  height: number;
/** Weight of the rectangle's pixel sum in the feature value. */
  weight: number;
}

/** A Haar-like feature: 2 or 3 weighted rectangles, upright or tilted by 45 degrees (Lienhart). */
export interface HaarFeature {
/** The weighted rectangles. */
  rects: HaarRect[];
/** Whether the rectangles are rotated by 45 degrees. */
  tilted: boolean;
}

/** A node of a weak classifier tree: `value < threshold` goes left, else right; `<= 0` children are leaves (`-child`). */
export interface HaarNode {
/** Next node index, or a leaf as `-leafIndex` (<= 0), when `value < threshold`. */
  left: number;
/** Next node index, or a leaf as `-leafIndex` (<= 0), otherwise. */
  right: number;
/** Index into {@link HaarCascade.features}. */
  featureIndex: number;
/** The split threshold, as written in the cascade (scaled by each window's standard deviation when compared). */
  threshold: number;
}

/** A weak classifier: a small decision tree over Haar features. */
export interface HaarTree {
/** The tree's split nodes; node 0 is the root. */
  nodes: HaarNode[];
/** The values the tree adds to its stage's sum, by leaf index. */
  leaves: number[];
}

/** A boosted stage: a window passes when its trees' values sum to at least `threshold`. */
export interface HaarStage {
  /** The stage threshold as written in the cascade (float32). */
  threshold: number;
/** The stage's weak classifiers. */
  trees: HaarTree[];
}

/**
 * A boosted Haar cascade (OpenCV "new format"). Numbers are float32 values, as OpenCV reads them,
 * so a cascade round-trips through the compact binary form unchanged.
 */
export interface HaarCascade {
  /** Base window size in pixels (24x24 for the frontal face cascade). */
  width: number;
/** Base window height in pixels. */
  height: number;
/** The stages, evaluated in order; a window is a face when it passes all. */
  stages: HaarStage[];
/** Every feature the trees refer to. */
  features: HaarFeature[];
}
