import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { FaceAttrError, describeError } from '@faceattr/core';

/** Where the ffmpeg binary came from, in the order {@link findFfmpeg} tries them. */
export type FfmpegSource = 'option' | 'env' | '@ffmpeg-installer/ffmpeg' | 'PATH';

/** An ffmpeg that runs, as {@link findFfmpeg} found it. */
export interface FfmpegBinary {
  /** Path (or bare command name for `PATH`) to run. */
  path: string;
/** Where it came from. */
  source: FfmpegSource;
  /** The version ffmpeg reports, e.g. "4.1" or "N-47683-g0e8eb07980-static". */
  version: string;
}

/** What {@link findFfmpeg} looks at before its defaults. */
export interface FindFfmpegOptions {
  /** An explicit binary (the CLI's `--ffmpeg PATH`); when given it must work, nothing else is tried. */
  path?: string;
  /** Environment to read `FACEATTR_FFMPEG` from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** The environment variable naming an ffmpeg binary to use. */
export const FFMPEG_ENV = 'FACEATTR_FFMPEG';

const versionCache = new Map<string, Promise<string>>();

/** Runs `ffmpeg -version` and returns the version string; rejects when the binary cannot run. */
function ffmpegVersion(path: string): Promise<string> {
  let p = versionCache.get(path);
  if (!p) {
    p = new Promise<string>((resolve, reject) => {
      execFile(path, ['-hide_banner', '-version'], { timeout: 15_000, windowsHide: true }, (error, stdout) => {
        if (error) return reject(error);
        const m = /ffmpeg version (\S+)/.exec(stdout);
        if (!m) return reject(new Error(`"${path} -version" did not print an ffmpeg version`));
        resolve(m[1]!);
      });
    });
    versionCache.set(path, p);
    p.catch(() => versionCache.delete(path));
  }
  return p;
}

/** The binary path from the optional `@ffmpeg-installer/ffmpeg` package, or why it is unusable. */
function installerPath(): { path?: string; why?: string } {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    return typeof mod.path === 'string' ? { path: mod.path } : { why: '@ffmpeg-installer/ffmpeg did not export a path' };
  } catch (e) {
    // The package throws plain strings for unsupported platforms and missing binaries.
    const code = (e as { code?: string }).code;
    return { why: code === 'MODULE_NOT_FOUND' ? '@ffmpeg-installer/ffmpeg is not installed' : `@ffmpeg-installer/ffmpeg: ${describeError(e)}` };
  }
}

/**
 * Finds a working ffmpeg: `options.path` (the `--ffmpeg` option), else the `FACEATTR_FFMPEG`
 * environment variable, else the optional `@ffmpeg-installer/ffmpeg` package (its binary ships inside
 * the npm package, so it installs offline), else `ffmpeg` on `PATH`. An explicitly given binary that
 * does not run is an error rather than a silent fallback.
 * @throws {FaceAttrError} `INVALID_OPTIONS` for a given binary that does not run; `BACKEND_UNAVAILABLE`
 *   when no ffmpeg is found, saying what to install.
 */
export async function findFfmpeg(options: FindFfmpegOptions = {}): Promise<FfmpegBinary> {
  const env = options.env ?? process.env;
  const explicit: [string | undefined, FfmpegSource, string][] = [
    [options.path, 'option', '--ffmpeg'],
    [env[FFMPEG_ENV] || undefined, 'env', FFMPEG_ENV],
  ];
  for (const [path, source, name] of explicit) {
    if (path === undefined) continue;
    try {
      return { path, source, version: await ffmpegVersion(path) };
    } catch (e) {
      throw new FaceAttrError('INVALID_OPTIONS', `${name} ${JSON.stringify(path)} is not a working ffmpeg (${describeError(e)}); point it at an ffmpeg binary or leave it unset to use the bundled one.`, { cause: e });
    }
  }
  const tried: string[] = [];
  const inst = installerPath();
  if (inst.path) {
    try {
      return { path: inst.path, source: '@ffmpeg-installer/ffmpeg', version: await ffmpegVersion(inst.path) };
    } catch (e) {
      tried.push(`${inst.path} (from @ffmpeg-installer/ffmpeg): ${describeError(e)}`);
    }
  } else tried.push(inst.why!);
  const cmd = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  try {
    return { path: cmd, source: 'PATH', version: await ffmpegVersion(cmd) };
  } catch (e) {
    tried.push(`"${cmd}" on PATH: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : describeError(e)}`);
  }
  throw new FaceAttrError(
    'BACKEND_UNAVAILABLE',
    `Reading video needs ffmpeg and none was found (${tried.join('; ')}). Install the npm package @ffmpeg-installer/ffmpeg ` +
      `(npm install @ffmpeg-installer/ffmpeg; it ships the binary), or a system ffmpeg (apt-get install ffmpeg, brew install ffmpeg), ` +
      `or pass --ffmpeg PATH / set ${FFMPEG_ENV}=PATH.`,
    { details: { tried } },
  );
}
