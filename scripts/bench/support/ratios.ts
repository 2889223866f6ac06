import { median } from './latency';

/**
 * A ratio of two costs measured in pairs (a function's load and the floor's load just before it, in the same
 * round): the median of the per-pair ratios, how far it can be trusted, and how the pairs spread.
 */
export interface PairedRatio {
  /** The median of the per-pair ratios: the figure a goal is judged on. */
  median: number;
  /** A distribution-free 95% confidence interval for that median (order statistics, exact binomial ranks). */
  low: number;
  high: number;
  /** The lowest and highest per-pair ratio. */
  min: number;
  max: number;
  /** How many pairs, and how many of them were over `limit` (when given). */
  pairs: number;
  over: number;
}

/**
 * Ranks (1-based, inclusive) of the sorted sample bounding a 95% confidence interval for the median of `n`
 * values: the largest j with P(Binomial(n, 1/2) < j) <= 2.5%, and n + 1 - j. With fewer than 6 values no
 * interval reaches 95%: the whole range is returned.
 */
export function medianIntervalRanks(n: number): [number, number] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`need a positive count, not ${n}`);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not overflow.
  const logChoose = (k: number) => {
    let sum = 0;
    for (let i = 1; i <= k; i++) sum += Math.log((n - k + i) / i);
    return sum;
  };
  let j = 1;
  let below = 0; // P(X < j)
  for (let k = 0; k < n; k++) {
    const pk = Math.exp(logChoose(k) - n * Math.LN2);
    if (below + pk > 0.025) break;
    below += pk;
    j = k + 1;
  }
  // j is now the largest rank with P(X < j) <= 2.5% (at least 1).
  return [j, n + 1 - j];
}

export function pairedRatio(values: readonly number[], baselines: readonly number[], limit?: number): PairedRatio {
  if (values.length !== baselines.length || values.length === 0) {
    throw new Error(`need as many baselines as values, and some (${values.length} against ${baselines.length})`);
  }
  const ratios = values.map((v, i) => v / baselines[i]!).sort((a, b) => a - b);
  const n = ratios.length;
  const [lo, hi] = medianIntervalRanks(n);
  return {
    median: median(ratios),
    low: ratios[lo - 1]!,
    high: ratios[hi - 1]!,
    min: ratios[0]!,
    max: ratios[n - 1]!,
    pairs: n,
    over: limit === undefined ? 0 : ratios.filter((r) => r > limit).length,
  };
}
