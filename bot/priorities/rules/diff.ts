import type { Priority } from '../model';

export interface PriorityChanges {
  added: Priority[];
  removed: Priority[];
  reworded: { from: Priority; to: Priority }[];
}

/**
 * What changed between two versions of a borough's priorities. A removed
 * and an added area under the same theme that share most of their words
 * are one area reworded, not two changes.
 */
export function diffPriorities(before: readonly Priority[], after: readonly Priority[]): PriorityChanges {
  const key = (p: Priority) => `${p.themeId}\u0000${p.title.toLowerCase()}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const removed = before.filter((p) => !afterKeys.has(key(p)));
  const added = after.filter((p) => !beforeKeys.has(key(p)));
  const reworded: PriorityChanges['reworded'] = [];
  const detailChanged = after.filter((p) => {
    const old = before.find((b) => key(b) === key(p));
    return old !== undefined && (old.detail ?? '') !== (p.detail ?? '');
  });
  for (const p of detailChanged) reworded.push({ from: before.find((b) => key(b) === key(p))!, to: p });

  for (const from of [...removed]) {
    const best = added
      .filter((a) => a.themeId === from.themeId)
      .map((a) => ({ a, score: similarity(from.title, a.title) }))
      .sort((x, y) => y.score - x.score)[0];
    if (best && best.score >= 0.5) {
      reworded.push({ from, to: best.a });
      removed.splice(removed.indexOf(from), 1);
      added.splice(added.indexOf(best.a), 1);
    }
  }
  return { added, removed, reworded };
}

export function hasChanges(c: PriorityChanges): boolean {
  return c.added.length + c.removed.length + c.reworded.length > 0;
}

/** Jaccard similarity of the words of two titles. */
function similarity(a: string, b: string): number {
  const words = (s: string) => new Set(s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2));
  const wa = words(a);
  const wb = words(b);
  const inter = [...wa].filter((w) => wb.has(w)).length;
  const union = new Set([...wa, ...wb]).size;
  return union === 0 ? 0 : inter / union;
}
