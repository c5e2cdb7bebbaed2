/**
 * Side-effect entry: registers the default attribute model (`default`) with @faceattr/core.
 * @packageDocumentation
 */
import { registerAttributeModel } from '@faceattr/core';
import { faceAttributes } from './face-attributes.js';

registerAttributeModel('default', () => faceAttributes(), 10);
