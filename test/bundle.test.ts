import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../scripts/bundle-functions';

let root: string | undefined;

function fakeRepo(withDist = true): string {
  root = mkdtempSync(path.join(os.tmpdir(), 'concordat-bundle-'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', main: 'dist/functions/index.js' }));
  writeFileSync(path.join(root, 'package-lock.json'), '{}');
  writeFileSync(path.join(root, 'host.json'), JSON.stringify({ version: '2.0' }));
  if (withDist) {
    mkdirSync(path.join(root, 'dist', 'functions'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'functions', 'index.js'), 'module.exports = {};');
    writeFileSync(path.join(root, 'dist', 'functions', 'index.test.js'), '');
  }
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe('bundleFunctions --unbundled (Function App deployment zip from the tsc build)', () => {
  it('puts host.json, package.json and dist/ at the zip root, without tests', async () => {
    const repo = fakeRepo();
    const { zipPath } = await bundleFunctions({ repoRoot: repo, mode: 'dist', install: false });
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const names = Object.values(zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name)
      .sort();
    expect(names).toEqual(['dist/functions/index.js', 'host.json', 'package-lock.json', 'package.json']);
  });

  it('refuses to bundle before the build', async () => {
    const repo = fakeRepo(false);
    await expect(bundleFunctions({ repoRoot: repo, mode: 'dist', install: false })).rejects.toThrow(
      /run `npm run build` first/,
    );
  });
});

describe('bundleFunctions (Function App deployment zip from the esbuild bundle, the default)', () => {
  function fakeSources(repo: string): void {
    mkdirSync(path.join(repo, 'functions'), { recursive: true });
    writeFileSync(path.join(repo, 'functions', 'index.ts'), "import { answer } from './answer';\nexports.answer = answer;\n");
    writeFileSync(path.join(repo, 'functions', 'answer.ts'), 'export const answer: number = 42;\n');
  }

  it('zips host.json, a package.json without dependencies and the one-file bundle at "main"', async () => {
    const repo = fakeRepo(false);
    writeFileSync(
      path.join(repo, 'package.json'),
      JSON.stringify({ name: 'x', version: '1.2.3', main: 'dist/functions/index.js', dependencies: { zod: '^3' } }),
    );
    fakeSources(repo);
    const { zipPath } = await bundleFunctions({ repoRoot: repo });
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const names = Object.values(zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name)
      .sort();
    expect(names).toEqual(['dist/functions/index.js', 'host.json', 'package.json']);
    const pkg = JSON.parse(await zip.file('package.json')!.async('string')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'x', version: '1.2.3', main: 'dist/functions/index.js' });
    expect(pkg).not.toHaveProperty('dependencies');
    // The bundle carries its imports: it runs with nothing beside it.
    const code = await zip.file('dist/functions/index.js')!.async('string');
    const mod = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', 'require', code)(mod, mod.exports, require);
    expect(mod.exports.answer).toBe(42);
  });

  it('refuses a package.json whose "main" is not where the bundle goes', async () => {
    const repo = fakeRepo(false);
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'x', main: 'index.js' }));
    fakeSources(repo);
    await expect(bundleFunctions({ repoRoot: repo })).rejects.toThrow(/"main" is index.js/);
  });
});
