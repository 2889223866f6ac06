import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
    writeFileSync(path.join(repo, 'functions', 'index.ts'), "export async function answer(): Promise<number> {\n  return (await import('./answer')).answer;\n}\n");
    writeFileSync(path.join(repo, 'functions', 'answer.ts'), 'export const answer: number = 42;\n');
  }

  it('zips host.json, a package.json without dependencies and the bundle: its entry at "main", its chunks beside it', async () => {
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
    // The lazily imported module is a chunk of its own (with esbuild's shared helpers); no source maps in the zip.
    const chunks = names.filter((n) => n.startsWith('dist/functions/chunks/'));
    expect(names.filter((n) => !chunks.includes(n))).toEqual(['dist/functions/index.mjs', 'host.json', 'package.json']);
    expect(chunks).toContainEqual(expect.stringMatching(/^dist\/functions\/chunks\/answer-\w+\.mjs$/));
    for (const chunk of chunks) expect(chunk).toMatch(/\.mjs$/);
    const pkg = JSON.parse(await zip.file('package.json')!.async('string')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'x', version: '1.2.3', main: 'dist/functions/index.mjs' });
    expect(pkg).not.toHaveProperty('dependencies');
    // The bundle carries its imports: unzipped with nothing beside it, it runs, and its chunk loads when asked for.
    const unzipped = path.join(repo, 'unzipped');
    for (const name of names) {
      mkdirSync(path.dirname(path.join(unzipped, name)), { recursive: true });
      writeFileSync(path.join(unzipped, name), await zip.file(name)!.async('nodebuffer'));
    }
    const mod = (await import(pathToFileURL(path.join(unzipped, 'dist/functions/index.mjs')).href)) as { answer(): Promise<number> };
    expect(await mod.answer()).toBe(42);
  });

  it('refuses a package.json whose "main" is not where the bundle goes', async () => {
    const repo = fakeRepo(false);
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'x', main: 'index.js' }));
    fakeSources(repo);
    await expect(bundleFunctions({ repoRoot: repo })).rejects.toThrow(/"main" is index.js/);
  });
});
