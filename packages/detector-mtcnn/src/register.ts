/**
 * Side-effect entry: registers the MTCNN detector as `mtcnn` with @faceattr/core (priority 10: preferred when no detector is named).
 * @packageDocumentation
 */
import { registerDetector } from '@faceattr/core';
import { mtcnn } from './detector.js';
import type { MtcnnOptions } from './options.js';

registerDetector('mtcnn', (options) => mtcnn(options as MtcnnOptions), { priority: 10, label: 'MTCNN (landmarks)' });
