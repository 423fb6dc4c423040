// Types of esbuild.mjs for the TypeScript that imports it (the bench, the lazy-loading test).
import type { BuildOptions } from 'esbuild';

/** Source file (relative to the repo) -> the file it is built to beside dist/extension.js. */
export declare const LAZY_CHUNKS: Record<string, string>;
export declare function buildOptions(options?: { production?: boolean; outdir?: string; metafile?: boolean }): BuildOptions[];
/** Files the sandbox world reads at run time (repo path -> name beside the bundles). */
export declare const SANDBOX_ASSETS: Record<string, string>;
export declare function copySandboxAssets(outdir?: string): void;
