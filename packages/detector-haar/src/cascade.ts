/**
 * `@faceattr/detector-haar/cascade`: the Haar cascade formats on their own, for tools that convert
 * cascades (the asset build writes OpenCV's XML in the compact form with these) without loading the
 * detector. Pure functions, no side effects.
 * @packageDocumentation
 */
export { parseCascadeXml } from './parse-cascade-xml.js';
export { encodeCascade, decodeCascade, loadCascade } from './compact-cascade.js';
export type { HaarCascade, HaarFeature, HaarRect, HaarNode, HaarTree, HaarStage } from './cascade-types.js';
