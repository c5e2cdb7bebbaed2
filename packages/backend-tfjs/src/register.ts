/**
 * Side-effect entry: registers the `tfjs-*` backend names with @faceattr/core.
 * @packageDocumentation
 */
import { registerTfjsBackends } from './register-backends.js';

registerTfjsBackends();
