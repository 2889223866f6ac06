/**
 * Makes the Function App deployment package: `.deployment/functions.zip`.
 *
 *   npm run build && npm run bundle:functions
 *   az functionapp deployment source config-zip -g <rg> -n <function app> --src .deployment/functions.zip
 *
 * Default (bundled): host.json, a package.json without dependencies and
 * `dist/functions/index.mjs` with its chunks in `dist/functions/chunks/`,
 * the esbuild bundle of functions/index.ts with every dependency inside
 * (scripts/build-bundle.ts, built here). Nothing to install: about a hundred
 * files instead of dist/ plus ~24,000 files of node_modules.
 *
 * `--unbundled`: host.json, package.json, package-lock.json and the tsc
 * build dist/ (run `npm run build` first), plus the production dependencies
 * (npm ci --omit=dev in a staging folder, so the working tree's node_modules
 * is left alone).
 *
 * The zip's package.json "main" is the file the Functions host loads:
 * dist/functions/index.mjs bundled, dist/functions/index.js unbundled.
 *
 * The Flex Consumption plan takes the package through "one deploy"
 * (/api/publish), which `az functionapp deployment source config-zip` and
 * `func azure functionapp publish` use; the Agents Toolkit's
 * azureFunctions/zipDeploy posts to /api/zipdeploy, which Flex Consumption
 * does not have, so m365agents.yml deploys with this script and the az CLI.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { buildBundle } from './build-bundle';

export const REPO_ROOT = path.resolve(__dirname, '..');

export class BundleError extends Error {
  constructor(message: string) {
    super(`Cannot bundle the Function App: ${message}`);
    this.name = 'BundleError';
  }
}

export interface BundleOptions {
  repoRoot?: string;
  /** Default <repo>/.deployment */
  outDir?: string;
  /**
   * 'bundle' (default): the esbuild bundle, built here, no node_modules.
   * 'dist': the tsc build in dist/ plus production node_modules.
   */
  mode?: 'bundle' | 'dist';
  /** 'dist' mode: install production dependencies into the package (npm ci --omit=dev). Default true. */
  install?: boolean;
}

const ZIP_DATE = new Date('2020-01-01T00:00:00Z');

function addFolder(zip: JSZip, dir: string, prefix: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (name === 'node_modules/.bin') continue; // symlinks to CLIs: not needed at run time
      count += addFolder(zip, full, name);
    } else if (entry.isFile()) {
      zip.file(name, readFileSync(full), { date: ZIP_DATE, unixPermissions: statSync(full).mode });
      count++;
    }
  }
  return count;
}

export async function bundleFunctions(options: BundleOptions = {}): Promise<{ zipPath: string; files: number }> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const outDir = options.outDir ?? path.join(repoRoot, '.deployment');
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  if (!pkg.main) throw new BundleError('package.json has no "main" (the Functions entry point)');
  if ((options.mode ?? 'bundle') === 'bundle') return zipBundled(repoRoot, outDir, { ...pkg, main: pkg.main });
  if (!existsSync(path.join(repoRoot, pkg.main))) {
    throw new BundleError(`${pkg.main} does not exist: run \`npm run build\` first`);
  }
  for (const required of ['host.json', 'package-lock.json']) {
    if (!existsSync(path.join(repoRoot, required))) throw new BundleError(`${required} is missing at the repository root`);
  }

  const staging = path.join(outDir, 'functions');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const file of ['host.json', 'package.json', 'package-lock.json']) {
    cpSync(path.join(repoRoot, file), path.join(staging, file));
  }
  cpSync(path.join(repoRoot, 'dist'), path.join(staging, 'dist'), {
    recursive: true,
    filter: (src) => !/\.test\.js(\.map)?$/.test(src),
  });
  if (options.install ?? true) {
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: staging,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
  }

  return writeZip(staging, outDir);
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  type?: string;
  engines?: Record<string, string>;
}

/** Where the bundled package's entry goes, and its "main". */
export const BUNDLE_MAIN = 'dist/functions/index.mjs';

/** The bundled package: host.json, a dependency-free package.json, the bundle (entry at "main", chunks beside it). */
async function zipBundled(
  repoRoot: string,
  outDir: string,
  pkg: PackageJson & { main: string },
): Promise<{ zipPath: string; files: number }> {
  const entry = 'functions/index.ts';
  if (!existsSync(path.join(repoRoot, entry))) throw new BundleError(`${entry} (the entry point to bundle) is missing`);
  if (pkg.main !== 'dist/functions/index.js') {
    // The bundle is built from the entry the tsc build compiles to "main": a different "main" means a different app.
    throw new BundleError(`package.json "main" is ${pkg.main}; the Function App's entry is functions/index.ts, built as dist/functions/index.js`);
  }
  if (!existsSync(path.join(repoRoot, 'host.json'))) throw new BundleError('host.json is missing at the repository root');

  const staging = path.join(outDir, 'functions');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  cpSync(path.join(repoRoot, 'host.json'), path.join(staging, 'host.json'));
  // No dependencies: everything is in the bundle, and nothing may be installed next to it. "main" is the
  // bundle's ES module entry, which the worker loads with import(); its chunks sit beside it.
  const deployed = { name: pkg.name, version: pkg.version, private: true, type: pkg.type, main: BUNDLE_MAIN, engines: pkg.engines };
  writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(deployed, null, 2)}\n`);
  // Built outside staging: the source maps stay in .deployment/, out of the zip.
  const bundleDir = path.join(outDir, 'bundle');
  const built = await buildBundle({ repoRoot, entry, outDir: bundleDir });
  for (const file of built.files) {
    const to = path.join(staging, 'dist', path.relative(bundleDir, file));
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(file, to);
  }
  if (!existsSync(path.join(staging, BUNDLE_MAIN))) throw new BundleError(`the bundle's entry is not at ${BUNDLE_MAIN}`);
  return writeZip(staging, outDir);
}

async function writeZip(staging: string, outDir: string): Promise<{ zipPath: string; files: number }> {
  const zip = new JSZip();
  const files = addFolder(zip, staging, '');
  const zipPath = path.join(outDir, 'functions.zip');
  await new Promise<void>((resolve, reject) => {
    zip
      .generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE', platform: 'UNIX' })
      .pipe(createWriteStream(zipPath))
      .on('finish', resolve)
      .on('error', reject);
  });
  return { zipPath, files };
}

if (require.main === module) {
  bundleFunctions({
    mode: process.argv.includes('--unbundled') ? 'dist' : 'bundle',
    install: !process.argv.includes('--no-install'),
  })
    .then(({ zipPath, files }) => console.log(`${path.relative(process.cwd(), zipPath)}: ${files} files`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
