/**
 * Test utilities shared by faceattr plugin packages: the backend conformance suite, and fake plugins for pipeline tests.
 * Import from `@faceattr/core/testing` inside a vitest test file.
 * @packageDocumentation
 */
export { runBackendConformance } from './testing/backend-conformance.js';
export type { BackendConformanceOptions } from './testing/backend-conformance.js';
export { expectFaceAttrError } from './testing/expect-error.js';
export { expectPluginOptionKeys } from './testing/option-keys.js';
export { manifestFeeds, maxScaledDiff } from './testing/feeds.js';
export { fakeBackend, fakeDetector, fakeAttributeModel, fakePlugins, fakePrediction, inMemoryAsset, deferred } from './testing/fake-plugins.js';
export type {
  FakeBackend,
  FakeDetector,
  FakeDetectorOptions,
  FakeAttributeModel,
  FakeAttributeModelOptions,
  FakeOptions,
  Deferred,
} from './testing/fake-plugins.js';
