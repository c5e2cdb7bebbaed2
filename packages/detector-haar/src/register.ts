/**
 * Side-effect entry: registers the Haar detector as `haar` with @faceattr/core (priority 5, below learned detectors).
 * @packageDocumentation
 */
import { registerDetector } from '@faceattr/core';
import { haar, type HaarDetectorOptions } from './haar-detector.js';

registerDetector('haar', (options) => haar(options as HaarDetectorOptions), { priority: 5, label: 'Haar cascade, confirmed by O-Net' });
