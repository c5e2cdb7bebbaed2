/** Registers the Haar detector as "haar" (priority 5, below learned detectors). */
import { registerDetector } from '@faceattr/core';
import { haar } from './haar-detector.js';

registerDetector('haar', () => haar(), 5);
