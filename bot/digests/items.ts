/** The outbox ids of a digest's messages: one per subscription, week and theme, so a re-run enqueues nothing twice. */
export function digestItemId(owner: string, week: string, themeId: string): string {
  return `digest:${owner}:${week}:${themeId}`;
}
export const digestBatchId = (week: string) => `digest-${week}`;

