/**
 * Bundles the Function App entry point (functions/index.ts) and everything it
 * imports, node_modules included, into one CommonJS file for Node 22 (what Azure runs):
 *
 *   npm run build:bundle        # -> dist-bundle/functions/index.js (+ index.js.map)
 *
 * One file instead of ~2,000 modules spread over node_modules: the
 * deployment package needs no `npm ci`, and the Functions host's first
 * `require` of the app resolves and reads one file instead of thousands
 * (`npm run bench:cold` measures it against the tsc build).
 *
 * Kept out of the bundle:
 * - `@azure/functions-core`: not an npm package but a module the Node.js
 *   language worker provides at run time (it intercepts `require` for that
 *   name). `@azure/functions`' `app.http` / `app.timer` reach the host
 *   through it, so it must stay a plain `require` in the output.
 *   `@azure/functions` itself is bundled: the v4 programming model only needs
 *   the app to load it, which the bundle does.
 * - optional add-ons that dependencies `require` inside try/catch and do
 *   without (`bufferutil`, `utf-8-validate` for ws, `encoding` for
 *   node-fetch): absent at run time, as they are today.
 * Anything else left unresolved fails the build, so the bundle never needs
 * node_modules at run time.
 *
 * The source map is written beside the bundle (`sourcemap: 'external'`, no
 * `sourceMappingURL` comment) for symbolicating stack traces offline; it is
 * not shipped (it is three times the bundle's size).
 */
import { rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Provided by the Azure Functions Node.js worker at run time; never bundled. */
export const HOST_PROVIDED = ['@azure/functions-core'] as const;
/** Required inside try/catch by dependencies, which work without them. */
export const OPTIONAL_REQUIRES = ['bufferutil', 'utf-8-validate', 'encoding'] as const;

export class BundleBuildError extends Error {
  constructor(message: string) {
    super(`Cannot bundle the functions: ${message}`);
    this.name = 'BundleBuildError';
  }
}

export interface BuildBundleOptions {
  repoRoot?: string;
  /** Entry point, relative to repoRoot. Default functions/index.ts. */
  entry?: string;
  /** Output folder. Default <repoRoot>/dist-bundle. Emptied first. */
  outDir?: string;
  /** Default true. */
  minify?: boolean;
}

export interface BuildBundleResult {
  /** The bundle: <outDir>/functions/index.js for the default entry. */
  outFile: string;
  mapFile: string;
  bytes: number;
  mapBytes: number;
  /** Source files that went into the bundle. */
  inputs: number;
  /** Modules the bundle still `require`s at run time (Node built-ins left out). */
  externals: string[];
  warnings: string[];
}

const BUILTINS = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

export async function buildBundle(options: BuildBundleOptions = {}): Promise<BuildBundleResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const entry = options.entry ?? 'functions/index.ts';
  const outDir = options.outDir ?? path.join(repoRoot, 'dist-bundle');
  const outFile = path.join(outDir, entry.replace(/\.[cm]?tsx?$/, '.js'));

  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, entry)],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: options.minify ?? true,
    keepNames: true,
    sourcemap: 'external',
    external: [...HOST_PROVIDED],
    metafile: true,
    logLevel: 'silent',
  });

  const output = Object.entries(result.metafile.outputs).find(([file]) => path.resolve(repoRoot, file) === outFile);
  if (!output) throw new BundleBuildError(`esbuild wrote no ${path.relative(repoRoot, outFile)}`);
  const externals = externalImports(output[1]);
  const allowed = new Set<string>([...HOST_PROVIDED, ...OPTIONAL_REQUIRES]);
  const unexpected = externals.filter((specifier) => !allowed.has(specifier));
  if (unexpected.length > 0) {
    throw new BundleBuildError(
      `the bundle would still need ${unexpected.join(', ')} from node_modules at run time ` +
        '(a dynamic require esbuild cannot follow?): bundle it, or list it in build-bundle.ts with the reason',
    );
  }
  const mapFile = `${outFile}.map`;
  return {
    outFile,
    mapFile,
    bytes: statSync(outFile).size,
    mapBytes: statSync(mapFile).size,
    inputs: Object.keys(result.metafile.inputs).length,
    externals,
    warnings: result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`),
  };
}

function externalImports(output: Metafile['outputs'][string]): string[] {
  const specifiers = output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path);
  return [...new Set(specifiers)].sort();
}

if (require.main === module) {
  buildBundle()
    .then((r) => {
      for (const w of r.warnings) console.warn(`warning: ${w}`);
      const rel = path.relative(process.cwd(), r.outFile);
      console.log(
        `${rel}: ${(r.bytes / 1024 / 1024).toFixed(2)} MiB from ${r.inputs} source files ` +
          `(map ${(r.mapBytes / 1024 / 1024).toFixed(1)} MiB, not shipped); ` +
          `left to run time: ${r.externals.join(', ') || 'nothing'}`,
      );
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
