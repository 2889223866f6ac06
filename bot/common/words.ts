/**
 * Counts in plain English (pure): "1 suspect", "2 witnesses", never "2 witness(es)", which reads like a form.
 * The one place a count meets its noun; `many` for plurals that are not the noun plus "s".
 */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Several counts as one phrase, zeros said as "no …": "No victims, 1 suspect, 2 witnesses"; all zero, "No victims,
 * suspects or witnesses". Each entry is [count, singular, plural?].
 */
export function countsInWords(entries: readonly (readonly [number, string, string?])[]): string {
  const many = (e: readonly [number, string, string?]) => e[2] ?? `${e[1]}s`;
  if (entries.length > 0 && entries.every(([n]) => n === 0)) {
    const nouns = entries.map(many);
    const listed = nouns.length === 1 ? nouns[0]! : `${nouns.slice(0, -1).join(', ')} or ${nouns.at(-1)}`;
    return `No ${listed}`;
  }
  const phrase = entries.map((e) => (e[0] === 0 ? `no ${many(e)}` : counted(e[0], e[1], e[2]))).join(', ');
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}
