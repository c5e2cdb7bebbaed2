/**
 * The cascade's fixed settings (not user options): NMS thresholds, voting and the leaders-first
 * search. Frozen; the package's benches compare other settings through src/instrument.ts.
 */
export interface CascadeSettings {
  readonly nmsLevel: number;
  readonly nmsPyramid: number;
  readonly nmsRnet: number;
  readonly nmsRnetMode: 'union' | 'min';
  readonly nmsFinal: number;
  readonly vote: boolean;
  readonly voteBoxes: boolean;
  readonly voteIou: number;
  readonly mirror: boolean;
  readonly rnetLeadersFirst: boolean;
  readonly rnetNest: number;
  readonly onetLeadersFirst: boolean;
  readonly onetNest: number;
}

export const DEFAULT_CASCADE: CascadeSettings = Object.freeze({
  /**
   * NMS (IoU) within one pyramid level, across levels, after R-Net, final ('min' overlap). The
   * reference cascade uses 0.5, 0.7, 0.7, 0.7; 0.5 across levels and 0.4 after R-Net send ~30%
   * fewer crops to R-Net and a third as many to O-Net (the costly net, ~2 ms per crop on tfjs
   * wasm) with the same synthetic recall and demo results (docs/detectors.md).
   */
  nmsLevel: 0.5,
  nmsPyramid: 0.5,
  nmsRnet: 0.4,
  nmsRnetMode: 'union',
  nmsFinal: 0.7,
  /**
   * Each face's landmarks (and, with `voteBoxes`, its box) are the score-weighted mean over all
   * O-Net crops whose regressed box overlaps the face's by IoU >= `voteIou`. Free (those crops
   * ran anyway). Boxes: steadier from frame to frame than the best crop's alone (on a 6 px/frame
   * pan over demo sample1, one face's 11-frame shift read 60.1 px instead of 66 without voting,
   * 62.9 with). Landmarks: UTKFace mean error to the template 0.0640 -> 0.0634 IOD on train chips,
   * 0.0645 on val either way (bench/landmarks.ts, before leaders first), since few crops per face reach O-Net.
   */
  vote: true,
  voteBoxes: true,
  voteIou: 0.5,
  /**
   * Also average O-Net on the mirrored crop of each face (left/right swapped back). Off by
   * default: 0.0648 -> 0.0639 IOD on val for one more O-Net crop (~1.5 ms) per face.
   */
  mirror: false,
  /**
   * Leaders first, at R-Net and at O-Net: boxes are grouped when one covers another by at least
   * `*Nest` of the smaller's area (the same face found at several scales), each group's leader is
   * scored first, and the rest of a group only where its leader fails, so a face found by a
   * single box is still found. R-Net's leader is the group's best P-Net box (54 -> 35 R-Net crops
   * on the bench frame); O-Net's is the score-weighted mean of the group's R-Net boxes (6 -> 4
   * crops; steadier than the best box alone: the pan-tracking test reads 60 px of a 66 px shift
   * with the best box, within 5 px with the mean). A P-Net group whose leader passed R-Net but
   * led to no face gets its other proposals scored afterwards (without that, 10 of 600 UTKFace
   * train chips went undetected instead of 7; with it, 4). Synthetic 99.6% / 99.6% and the demo
   * photos unchanged (docs/detectors.md).
   */
  rnetLeadersFirst: true,
  rnetNest: 0.8,
  onetLeadersFirst: true,
  onetNest: 0.6,
});
