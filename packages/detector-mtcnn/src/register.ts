/** Registers the MTCNN detector as `mtcnn` (priority 10: preferred when no detector is named). */
import { registerDetector } from '@faceattr/core';
import { mtcnn } from './detector.js';
import type { MtcnnOptions } from './options.js';

registerDetector('mtcnn', (options) => mtcnn(options as MtcnnOptions), { priority: 10, label: 'MTCNN (landmarks)' });
