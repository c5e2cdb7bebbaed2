export declare const SOURCE_CONDITION: string;
/** `{ distName: sourcePath }` for every entry of the package in `dir` (tsup's `entry` option). */
export declare function sourceEntries(dir: string): Record<string, string>;
/** Every public package's exports entries in `packagesDir`, the Node source where an entry has a `node` condition. */
export declare function publicEntryPoints(packagesDir: string): { packageName: string; specifier: string; source: string }[];
