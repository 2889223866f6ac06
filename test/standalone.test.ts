/**
 * A clone of the repository, with nothing beside it, must build, run and pass
 * its tests. These checks fail as soon as a source, script or test names a
 * path outside the repository (the schemas used to be read from a `shared`
 * folder beside the clone, and a clone from the project's public home failed
 * 158 tests). `.ci/run` also runs the whole suite from a copy in a fresh
 * temporary folder, which catches what a static check cannot see.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemasDir } from './support/schemas';

const ROOT = path.resolve(__dirname, '..');

/** Everything that runs at build, run or test time. Docs may mention other places; code may not read them. */
const CODE_DIRS = ['bot', 'cards', 'functions', 'scripts', 'test', 'manifest', 'infra', 'env', '.ci'];
const ROOT_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts', 'host.json', 'm365agents.yml', 'm365agents.local.yml'];
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|ya?ml|sh|bicep)$|^run$/;
const SKIP_DIRS = new Set(['node_modules', 'fixtures', 'screenshots', 'icons-src', 'build']);

function codeFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(full);
      } else if (TEXT.test(entry.name)) {
        out.push(full);
      }
    }
  };
  for (const dir of CODE_DIRS) if (existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  for (const file of ROOT_FILES) if (existsSync(path.join(ROOT, file))) out.push(path.join(ROOT, file));
  return out;
}

const inside = (p: string) => p === ROOT || p.startsWith(ROOT + path.sep);

/**
 * Paths built from this file's folder out of string literals only:
 * `path.resolve(__dirname, '..', 'x')`, `path.join(__dirname, '../x')`.
 * Returns each with the absolute place it names.
 */
function dirnamePaths(file: string, text: string): { expr: string; resolved: string }[] {
  const found: { expr: string; resolved: string }[] = [];
  const call = /path\.(?:resolve|join)\(\s*__dirname\s*((?:,\s*(?:'[^'\n]*'|"[^"\n]*")\s*)*)\)/g;
  for (const m of text.matchAll(call)) {
    const parts = [...(m[1] ?? '').matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((p) => p[1] ?? p[2] ?? '');
    found.push({ expr: m[0], resolved: path.resolve(path.dirname(file), ...parts) });
  }
  return found;
}

// Built from pieces so this file does not match itself.
const SIBLING_FOLDER = new RegExp(['\\.\\./', 'shared\\b|\\bshared/', 'schemas'].join(''));
const OUTSIDE_ABSOLUTE = /['"`](\/(?:work|home|root|srv|mnt|opt|Users)\/[^'"`\s]*)/;


describe('the repository stands alone', () => {
  const files = codeFiles();

  it('finds the code it checks', () => {
    // Guards the guard: a wrong root or filter would make every check below pass on nothing.
    const rel = files.map((f) => path.relative(ROOT, f));
    expect(rel).toEqual(expect.arrayContaining(['test/support/schemas.ts', 'scripts/dev-host.ts', 'functions/index.ts', 'package.json']));
  });

  it('no source, script, test or config names the shared folder beside the clone', () => {
    const offenders = files.flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (SIBLING_FOLDER.test(line) ? [`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('no path built from __dirname leaves the repository', () => {
    const offenders = files.flatMap((f) =>
      dirnamePaths(f, readFileSync(f, 'utf8'))
        .filter((p) => !inside(p.resolved))
        .map((p) => `${path.relative(ROOT, f)}: ${p.expr} -> ${p.resolved}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no absolute path into a home or work folder is written into the code', () => {
    const offenders = files.flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').flatMap((line, i) => {
        const m = OUTSIDE_ABSOLUTE.exec(line);
        return m ? [`${path.relative(ROOT, f)}:${i + 1}: ${m[1]}`] : [];
      }),
    );
    expect(offenders).toEqual([]);
  });

  // An explicit CONCORDAT_SCHEMAS_DIR is the caller's choice (e.g. trying a newer schema).
  it.skipIf(Boolean(process.env.CONCORDAT_SCHEMAS_DIR?.trim()))('the card and manifest schemas are read from the vendored copy inside the repository', () => {
    const dir = schemasDir();
    expect(inside(dir)).toBe(true);
    for (const f of ['adaptive-cards/adaptive-card-1.5.0.json', 'adaptive-cards/adaptive-card-1.6.0.json', 'teams-manifest-v1.29/MicrosoftTeams.schema.json']) {
      expect(statSync(path.join(dir, f)).isFile(), f).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'SOURCE.md'), 'utf8')).toMatch(/MIT/);
  });
});
