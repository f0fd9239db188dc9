/** Types of scripts/dist-manifest.mjs, for the tests that read it. */
export declare const MANIFEST: string;
export declare function listFiles(dir: string, base?: string): string[];
export declare function sourceHash(root: string): string;
export declare function outputHashes(dist: string): Record<string, string>;
export declare function readManifest(dist: string): { source: string; outputs: Record<string, string> } | undefined;
export declare function staleness(root: string, options?: { outputs?: boolean }): string | undefined;
