import type { BrowserContext } from 'playwright-core';

export declare const EXAMPLE_DIR: string;
export declare const REPO: string;
export declare const CHROMIUM: string;
export declare const FFMPEG: string;
export declare const PHOTOS: string;
export declare const MODELS: string;
export declare const OUT: string;
export declare const DIST: string;

export interface ComposedFrame {
  y4m: string;
  rgb: string;
  width: number;
  height: number;
  /** Page-relative URL of the raw RGB frame under /fixtures/. */
  url: string;
}

export declare function browserSuiteProblem(): string | undefined;
export declare function composeFrame(o: {
  photo: string;
  width: number;
  height: number;
  name: string;
  dir: string;
  seconds?: number;
  fps?: number;
  crop?: { x: number; y: number; w: number; h: number };
}): ComposedFrame;
export declare function buildApp(): Promise<string>;
export declare function makeCameraClip(dir: string): ComposedFrame;
export declare function serveApp(fixturesDir: string, extra?: { prefix: string; dir: string }[]): Promise<{ url: string; close(): Promise<void> }>;
export declare function launchChromium(o?: { camera?: string; webgpu?: boolean; extraArgs?: string[] }): Promise<{
  context: BrowserContext;
  requests: string[];
  close(): Promise<void>;
}>;
export declare function foreignRequests(urls: readonly string[]): string[];
