/**
 * Cold import of the Function App: the esbuild bundle against the plain tsc
 * build, measured in one run.
 *
 *   npm run bench:cold                 # builds both, 7 loads each
 *   BENCH_COLD_RUNS=15 npm run bench:cold
 *   BENCH_NO_BUILD=1 npm run bench:cold   # reuse dist/ and dist-bundle/
 *
 * Each load is a fresh `node -e` process that requires the entry with a
 * stand-in for the Functions worker's core module (support/functionsHost.ts),
 * so every function really registers, exactly as in Azure; both builds must
 * register the same functions or the bench fails. One discarded load of each
 * first (so both start with the files in the OS cache), then the two
 * alternate, so background load hits both alike. "Cold" means a new process,
 * not a cold disk.
 *
 * Sizes: the bundle is one file; the unbundled deployment is dist/ (what
 * bundle-functions ships in `--unbundled` mode, source maps included) plus
 * the production dependencies `npm ci --omit=dev` installs (package-lock.json
 * entries not marked dev).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBundle } from '../build-bundle';
import { loadEntry, type LoadResult, type RegisteredFunction } from './support/functionsHost';
import { median, type BenchRow } from './types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Goal: the bundle imports at least twice as fast as the tsc build. */
export const GOAL_RATIO = 0.5;

export interface ColdImportOptions {
  repoRoot?: string;
  /** Timed loads of each build. Default 7. */
  runs?: number;
  /** Build both first (tsc to dist/, esbuild to dist-bundle/). Default true. */
  build?: boolean;
}

export interface Footprint {
  bytes: number;
  files: number;
}

export interface ColdImportResult {
  runs: number;
  bundle: { entry: string; bytes: number; mapBytes: number };
  unbundled: { entry: string; dist: Footprint; nodeModules: Footprint & { packages: number } };
  bundledMs: number[];
  unbundledMs: number[];
  bundledRequireMs: number[];
  unbundledRequireMs: number[];
  functions: RegisteredFunction[];
}

/** Bytes and files under dir; `skip` decides on sub-folders by name. */
export function folderSize(dir: string, skip: (name: string) => boolean = () => false): Footprint {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (skip(entry.name)) continue;
      const sub = folderSize(full, skip);
      bytes += sub.bytes;
      files += sub.files;
    } else if (entry.isFile()) {
      bytes += statSync(full).size;
      files++;
    }
  }
  return { bytes, files };
}

/** The production dependencies as installed: package-lock.json entries not marked dev (nor peer-only). */
export function productionDependencies(repoRoot: string): Footprint & { packages: number } {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { dev?: boolean; devOptional?: boolean; peer?: boolean }>;
  };
  let bytes = 0;
  let files = 0;
  let packages = 0;
  for (const [key, info] of Object.entries(lock.packages ?? {})) {
    if (!key.startsWith('node_modules/') || info.dev || info.devOptional) continue;
    const dir = path.join(repoRoot, key);
    if (!existsSync(dir)) continue; // an optional dependency for another platform
    // Nested node_modules are lock entries of their own; .bin holds CLI links.
    const size = folderSize(dir, (name) => name === 'node_modules' || name === '.bin');
    bytes += size.bytes;
    files += size.files;
    packages++;
  }
  return { bytes, files, packages };
}

function signature(functions: RegisteredFunction[]): string {
  return functions
    .map((f) => `${f.name}:${f.trigger}`)
    .sort()
    .join(', ');
}

export async function measureColdImport(options: ColdImportOptions = {}): Promise<ColdImportResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const runs = options.runs ?? 7;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive whole number, not ${runs}`);
  const unbundledEntry = path.join(repoRoot, 'dist', 'functions', 'index.js');
  const bundledEntry = path.join(repoRoot, 'dist-bundle', 'functions', 'index.js');

  if (options.build ?? true) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    await buildBundle({ repoRoot });
  }
  for (const [entry, how] of [
    [unbundledEntry, 'npm run build'],
    [bundledEntry, 'npm run build:bundle'],
  ] as const) {
    if (!existsSync(entry)) throw new Error(`${path.relative(repoRoot, entry)} is missing: run \`${how}\` first`);
  }

  // Warm-up, and proof that both builds load the whole app.
  const warmBundled = loadEntry(bundledEntry);
  const warmUnbundled = loadEntry(unbundledEntry);
  if (warmUnbundled.registered.length === 0) throw new Error('the tsc build registered no function');
  if (signature(warmBundled.registered) !== signature(warmUnbundled.registered)) {
    throw new Error(
      `the builds register different functions:\n  bundle: ${signature(warmBundled.registered)}\n` +
        `  tsc:    ${signature(warmUnbundled.registered)}`,
    );
  }

  const bundled: LoadResult[] = [];
  const unbundled: LoadResult[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      bundled.push(loadEntry(bundledEntry));
      unbundled.push(loadEntry(unbundledEntry));
    } else {
      unbundled.push(loadEntry(unbundledEntry));
      bundled.push(loadEntry(bundledEntry));
    }
  }

  const bundleMeta = statSync(bundledEntry);
  const mapPath = `${bundledEntry}.map`;
  return {
    runs,
    bundle: {
      entry: bundledEntry,
      bytes: bundleMeta.size,
      mapBytes: existsSync(mapPath) ? statSync(mapPath).size : 0,
    },
    unbundled: {
      entry: unbundledEntry,
      dist: folderSize(path.join(repoRoot, 'dist')),
      nodeModules: productionDependencies(repoRoot),
    },
    bundledMs: bundled.map((r) => r.wallMs),
    unbundledMs: unbundled.map((r) => r.wallMs),
    bundledRequireMs: bundled.map((r) => r.requireMs),
    unbundledRequireMs: unbundled.map((r) => r.requireMs),
    functions: warmBundled.registered,
  };
}

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const range = (values: number[]) => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} ms`;

export function coldImportRows(r: ColdImportResult): BenchRow[] {
  const unbundledBytes = r.unbundled.dist.bytes + r.unbundled.nodeModules.bytes;
  const unbundledFiles = r.unbundled.dist.files + r.unbundled.nodeModules.files;
  const bundledMedian = median(r.bundledMs);
  const unbundledMedian = median(r.unbundledMs);
  const ratio = bundledMedian / unbundledMedian;
  const load = os.loadavg()[0]!.toFixed(1);
  return [
    {
      name: 'size, bundle (dist-bundle/functions/index.js)',
      value: r.bundle.bytes,
      unit: 'bytes',
      goal: 'smaller than the unbundled deployment',
      ok: r.bundle.bytes < unbundledBytes,
      note: `1 file; source map ${MiB(r.bundle.mapBytes)} kept beside it, not shipped`,
    },
    {
      name: 'size, unbundled (dist/ + production node_modules)',
      value: unbundledBytes,
      unit: 'bytes',
      goal: null,
      ok: null,
      note:
        `${unbundledFiles} files: dist/ ${MiB(r.unbundled.dist.bytes)} (source maps included), ` +
        `node_modules ${MiB(r.unbundled.nodeModules.bytes)} in ${r.unbundled.nodeModules.packages} packages`,
    },
    {
      name: `cold import, bundle (median of ${r.runs})`,
      value: bundledMedian,
      unit: 'ms',
      goal: null, // the goal is relative: on the ratio row, so a miss counts once
      ok: null,
      note: `new node process to exit, ${range(r.bundledMs)}; require() alone ${median(r.bundledRequireMs).toFixed(0)} ms`,
    },
    {
      name: `cold import, unbundled tsc build (median of ${r.runs})`,
      value: unbundledMedian,
      unit: 'ms',
      goal: null,
      ok: null,
      note: `${range(r.unbundledMs)}; require() alone ${median(r.unbundledRequireMs).toFixed(0)} ms`,
    },
    {
      name: 'cold import ratio, bundle / unbundled',
      value: ratio,
      unit: 'x',
      goal: `<= ${GOAL_RATIO.toFixed(2)} (bundle at least 2x faster)`,
      ok: ratio <= GOAL_RATIO,
      note: `${r.functions.length} functions registered by each build; load average ${load} on ${os.cpus().length} CPUs`,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const runs = process.env.BENCH_COLD_RUNS ? Number(process.env.BENCH_COLD_RUNS) : 7;
  const result = await measureColdImport({ runs, build: process.env.BENCH_NO_BUILD !== '1' });
  return coldImportRows(result);
}
