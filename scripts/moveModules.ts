/**
 * Moves TypeScript modules with `git mv` and rewrites every relative import of them (issue 14's pure moves).
 *
 *   npx tsx scripts/moveModules.ts bot/domain/alert.ts=bot/alerts/rules/alert.ts [old=new ...]
 *
 * Rewrites `from '…'`, `import('…')`, `require('…')`, `vi.mock('…')` and `vi.importActual('…')` specifiers in
 * bot/, cards/, functions/, scripts/, test/ and *.config.ts (including the moved files' own imports), and the
 * repo-relative path in comments and docs (`bot/domain/alert.ts` → `bot/alerts/rules/alert.ts`).
 * Prints the files it changed; run `npx tsc --noEmit` afterwards.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

const root = process.cwd();
const moves = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  const [from, to] = arg.split('=');
  if (!from || !to) throw new Error(`expected old=new, got ${arg}`);
  if (!existsSync(join(root, from))) throw new Error(`no such file: ${from}`);
  if (existsSync(join(root, to))) throw new Error(`already exists: ${to}`);
  moves.set(from, to);
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(join(root, dir))) return out;
  for (const name of readdirSync(join(root, dir))) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, rel)).isDirectory()) walk(rel, out);
    else out.push(rel);
  }
  return out;
}

const sources = [...['bot', 'cards', 'functions', 'scripts', 'test'].flatMap((d) => walk(d)), ...readdirSync(root).filter((f) => /\.config\.ts$/.test(f))]
  .filter((f) => /\.(ts|cts|mts)$/.test(f) && f !== 'scripts/moveModules.ts');
const docs = [...walk('docs'), ...readdirSync(root).filter((f) => /\.md$/.test(f))].filter((f) => /\.(md|json)$/.test(f));
const exists = new Set(walk(''));

function resolveSpec(fromFile: string, spec: string): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(fromFile), spec));
  for (const c of [base, `${base}.ts`, `${base}/index.ts`]) if (exists.has(c)) return c;
  return undefined;
}

function specFor(fromFile: string, target: string, original: string): string {
  let rel = posix.relative(posix.dirname(fromFile), target);
  const hadExt = /\.[cm]?[jt]s$|\.json$/.test(original);
  if (!hadExt) rel = rel.replace(/\/index\.ts$/, '').replace(/\.ts$/, '');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const SPEC_RE = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bvi\.mock\s*\(\s*|\bvi\.importActual\s*(?:<[^>]*>)?\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]*)\2/gm;

const changed: string[] = [];
const rewritten = new Map<string, string>();
for (const file of sources) {
  const text = readFileSync(join(root, file), 'utf8');
  const newFile = moves.get(file) ?? file;
  const out = text.replace(SPEC_RE, (all, lead: string, q: string, spec: string) => {
    const target = resolveSpec(file, spec);
    if (!target) return all;
    const newTarget = moves.get(target) ?? target;
    if (newFile === file && newTarget === target) return all;
    return `${lead}${q}${specFor(newFile, newTarget, spec)}${q}`;
  });
  let withPaths = out;
  for (const [from, to] of moves) withPaths = withPaths.split(from).join(to);
  if (withPaths !== text) rewritten.set(file, withPaths);
}
for (const file of docs) {
  const text = readFileSync(join(root, file), 'utf8');
  let out = text;
  for (const [from, to] of moves) out = out.split(from).join(to);
  if (out !== text) rewritten.set(file, out);
}

for (const [from, to] of moves) {
  execFileSync('mkdir', ['-p', dirname(join(root, to))]);
  execFileSync('git', ['mv', from, to], { cwd: root });
}
for (const [file, text] of rewritten) {
  const target = moves.get(file) ?? file;
  writeFileSync(join(root, target), text);
  changed.push(target);
}
console.log(`moved ${moves.size} file(s); rewrote ${changed.length}: ${changed.sort().join(' ')}`);
void relative;
