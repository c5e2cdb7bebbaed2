import type { Options } from 'tsup';
/** tsup options for the package in `dir` (its tsup.config.ts passes `import.meta.dirname`). */
export declare function libraryConfig(dir: string, extra?: Options): Options;
