export declare const SOURCE_CONDITION: string;
/** `{ distName: sourcePath }` for every entry of the package in `dir` (tsup's `entry` option). */
export declare function sourceEntries(dir: string): Record<string, string>;
