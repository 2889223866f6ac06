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

describe('bundleFunctions (Function App deployment zip)', () => {
  it('puts host.json, package.json and dist/ at the zip root, without tests', async () => {
    const repo = fakeRepo();
    const { zipPath } = await bundleFunctions({ repoRoot: repo, install: false });
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const names = Object.values(zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name)
      .sort();
    expect(names).toEqual(['dist/functions/index.js', 'host.json', 'package-lock.json', 'package.json']);
  });

  it('refuses to bundle before the build', async () => {
    const repo = fakeRepo(false);
    await expect(bundleFunctions({ repoRoot: repo, install: false })).rejects.toThrow(/run `npm run build` first/);
  });
});
