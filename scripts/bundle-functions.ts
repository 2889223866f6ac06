/**
 * Makes the Function App deployment package: `.deployment/functions.zip`
 * with host.json, package.json and the compiled dist/ at the zip root, plus
 * the production dependencies (npm ci --omit=dev in a staging folder, so the
 * working tree's node_modules is left alone).
 *
 *   npm run build && npm run bundle:functions
 *   az functionapp deployment source config-zip -g <rg> -n <function app> --src .deployment/functions.zip
 *
 * The Flex Consumption plan takes the package through "one deploy"
 * (/api/publish), which `az functionapp deployment source config-zip` and
 * `func azure functionapp publish` use; the Agents Toolkit's
 * azureFunctions/zipDeploy posts to /api/zipdeploy, which Flex Consumption
 * does not have, so m365agents.yml deploys with this script and the az CLI.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';

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
  /** Install production dependencies into the bundle (npm ci --omit=dev). Default true. */
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
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main?: string };
  if (!pkg.main) throw new BundleError('package.json has no "main" (the Functions entry point)');
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
  bundleFunctions({ install: !process.argv.includes('--no-install') })
    .then(({ zipPath, files }) => console.log(`${path.relative(process.cwd(), zipPath)}: ${files} files`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
