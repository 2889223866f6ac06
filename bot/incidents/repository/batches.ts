/** Entity group transactions hold at most 100 operations. */
export const MAX_BATCH = 100;

/** A long list of operations as batches of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
