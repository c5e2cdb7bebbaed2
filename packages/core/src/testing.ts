/**
 * Test utilities shared by faceattr plugin packages: the backend conformance suite.
 * Import from `@faceattr/core/testing` inside a vitest test file.
 * @packageDocumentation
 */
export { runBackendConformance } from './testing/backend-conformance.js';
export type { BackendConformanceOptions } from './testing/backend-conformance.js';
export { expectFaceAttrError } from './testing/expect-error.js';
