/**
 * The demo's package scripts are the conventional ones (`dev`, `build`, `preview`) and the root build
 * (turbo) builds the demo. The browser suite runs `npm run build -w @faceattr/example-webcam` and
 * `npm run camera-clip -w @faceattr/example-webcam` themselves (scripts/browser-env.mjs).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_DIR, REPO } from '../scripts/browser-env.mjs';

describe('examples/webcam package scripts', () => {
  it('has dev, build and preview running Vite, and the root build includes the demo', () => {
    const pkg = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts).toMatchObject({ dev: 'vite', build: 'vite build', preview: 'vite preview' });
    expect(Object.keys(pkg.scripts).filter((k) => k.startsWith('build:'))).toEqual([]);
    // turbo's plan for `npm run build` at the root, without running it.
    const plan = JSON.parse(
      execFileSync(path.join(REPO, 'node_modules/.bin/turbo'), ['run', 'build', '--dry=json'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } }),
    ) as { tasks: { taskId: string; dependencies: string[]; outputs: string[] }[] };
    const demo = plan.tasks.find((t) => t.taskId === '@faceattr/example-webcam#build');
    expect(demo, 'turbo builds the demo').toBeDefined();
    expect(demo!.outputs).toEqual(['dist/**']);
    // It runs after the packages it bundles.
    expect(demo!.dependencies).toEqual(expect.arrayContaining(['@faceattr/core#build', '@faceattr/attributes#build']));
  }, 60_000);
});
