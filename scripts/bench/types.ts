/**
 * The contract between `npm run bench` (scripts/bench/run.ts) and each
 * benchmark module.
 *
 * A benchmark is a file directly in scripts/bench/ (helpers go in
 * scripts/bench/support/) that exports
 *
 *   export async function run(): Promise<BenchRow[]>
 *
 * The runner imports every such file in name order, calls `run()`, and
 * prints all rows in one table under the file's name (coldImport,
 * fanout, ...). A missed goal is a row with `ok: false`, never an
 * exception: the runner fails (exit 1) only when a benchmark throws.
 * `npm run bench -- coldImport fanout` runs only the named files.
 */
export interface BenchRow {
  /** What was measured, with the conditions that matter: "cold import, bundled (median of 7)". */
  name: string;
  value: number;
  /** 'ms', 'bytes', 'x' (a ratio), 'files', 'req/s', '%'...; 'bytes' is printed in KiB/MiB. */
  unit: string;
  /** The goal in words beside the figure ("<= 0.50x of unbundled"); null for a figure that is only context. */
  goal: string | null;
  /** Goal met (true), missed (false), or no goal (null). */
  ok: boolean | null;
  /** Anything needed to read the figure honestly: sample count, spread, what it includes. */
  note?: string;
}

export type BenchRun = () => Promise<BenchRow[]>;
