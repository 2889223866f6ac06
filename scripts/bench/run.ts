/**
 * `npm run bench`: runs every benchmark in scripts/bench/ and prints one
 * table, each figure with its goal beside it.
 *
 *   npm run bench                    # all
 *   npm run bench -- coldImport      # only the named files (without .ts)
 *
 * A benchmark is a .ts file directly in this folder exporting
 * `run(): Promise<BenchRow[]>` (see types.ts); helpers live in support/.
 * Exit code: 0 when every benchmark ran, missed goals included (they show as
 * "MISSED" in the table and in the closing count); 1 when a benchmark threw
 * (its error is printed and the others still run).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchRow, BenchRun } from './types';

const NOT_BENCHMARKS = new Set(['run', 'types']);

export interface BenchOutcome {
  bench: string;
  rows: BenchRow[];
  error?: string;
  seconds: number;
}

export function benchmarkNames(dir: string = __dirname): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name))
    .map((e) => e.name.replace(/\.ts$/, ''))
    .filter((name) => !NOT_BENCHMARKS.has(name))
    .sort();
}

export async function runBenchmarks(names: string[], dir: string = __dirname): Promise<BenchOutcome[]> {
  const outcomes: BenchOutcome[] = [];
  for (const bench of names) {
    const started = Date.now();
    process.stderr.write(`bench ${bench}...\n`);
    try {
      const mod = (await import(path.join(dir, `${bench}.ts`))) as { run?: BenchRun };
      if (typeof mod.run !== 'function') throw new Error(`${bench}.ts exports no run(): move helpers to support/`);
      const rows = await mod.run();
      outcomes.push({ bench, rows, seconds: (Date.now() - started) / 1000 });
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      outcomes.push({ bench, rows: [], error, seconds: (Date.now() - started) / 1000 });
    }
  }
  return outcomes;
}

export function formatValue(row: BenchRow): string {
  switch (row.unit) {
    case 'bytes':
      return row.value >= 1024 * 1024
        ? `${(row.value / 1024 / 1024).toFixed(2)} MiB`
        : `${(row.value / 1024).toFixed(1)} KiB`;
    case 'ms':
      return `${row.value.toFixed(row.value < 10 ? 2 : 0)} ms`;
    case 'x':
      return `${row.value.toFixed(2)}x`;
    default:
      return `${Number.isInteger(row.value) ? row.value : row.value.toFixed(2)} ${row.unit}`.trim();
  }
}

const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'met' : 'MISSED');

export function formatTable(outcomes: BenchOutcome[]): string {
  const header = ['bench', 'figure', 'value', 'goal', '', 'note'];
  const lines: string[][] = [];
  for (const o of outcomes) {
    for (const row of o.rows) {
      lines.push([o.bench, row.name, formatValue(row), row.goal ?? '-', verdict(row.ok), row.note ?? '']);
    }
    if (o.error) lines.push([o.bench, 'CRASHED', '', '', '', o.error.split('\n')[0]!]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  widths[5] = 0; // the note column is last: not padded
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w, i) => '-'.repeat(i === 5 ? 4 : w))), ...lines.map(render)].join('\n');
}

async function main(): Promise<number> {
  const all = benchmarkNames();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) {
    console.error(`no benchmark named ${unknown.join(', ')}; there are: ${all.join(', ')}`);
    return 1;
  }
  const outcomes = await runBenchmarks(wanted.length > 0 ? wanted : all);
  console.log(`\n${formatTable(outcomes)}\n`);
  const rows = outcomes.flatMap((o) => o.rows);
  const missed = rows.filter((r) => r.ok === false).length;
  const met = rows.filter((r) => r.ok === true).length;
  const crashed = outcomes.filter((o) => o.error);
  console.log(
    `${outcomes.length} benchmark(s) in ${outcomes.reduce((s, o) => s + o.seconds, 0).toFixed(0)} s: ` +
      `${met} goal(s) met, ${missed} missed, ${crashed.length} crashed`,
  );
  for (const o of crashed) console.error(`\n${o.bench} crashed:\n${o.error}`);
  return crashed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
