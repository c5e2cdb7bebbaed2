/** Registers the MTCNN detector as `mtcnn` (priority 10: preferred when no detector is named). */
import { registerDetector } from '@faceattr/core';
import { mtcnn } from './detector.js';

registerDetector('mtcnn', () => mtcnn(), 10);
