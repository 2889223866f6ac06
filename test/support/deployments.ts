import { afterAll, beforeAll } from 'vitest';
import { startBotHarness, type BotHarness } from './botHarness';

/**
 * The same deployment twice, configured for London and for New York (TIME_ZONE), started side by side before the
 * describe's tests and closed after them: the zone tests tell one story in both and compare what each card says.
 * `prepare` does what the story needs first (installs, channels), alike in both.
 */
export function twoDeployments(start: Date, prepare: (bot: BotHarness) => Promise<void>): { readonly london: BotHarness; readonly newYork: BotHarness } {
  const bots: { london?: BotHarness; newYork?: BotHarness } = {};
  const deployment = async (timeZone: string) => {
    const bot = await startBotHarness({ start, env: { TIME_ZONE: timeZone } });
    await prepare(bot);
    return bot;
  };
  beforeAll(async () => {
    [bots.london, bots.newYork] = await Promise.all([deployment('Europe/London'), deployment('America/New_York')]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([bots.london?.close(), bots.newYork?.close()]);
  });
  return {
    get london() {
      return bots.london!;
    },
    get newYork() {
      return bots.newYork!;
    },
  };
}
