import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './screenshot';

/**
 * The browser journeys drive the Debian Chromium. On a clean machine (CI) it
 * is installed here, so `npm test` needs nothing done by hand: as root,
 * `apt-get install -y chromium` (with one `apt-get update` first if the
 * package lists are empty). Not root and no browser: a clear error saying the
 * one command to run, rather than a skipped test.
 *
 *   npx tsx scripts/playground/ensureChromium.ts
 */
export function ensureChromium(log: (line: string) => void = () => {}): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}. Install it once with: sudo apt-get install -y chromium`);
  }
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  log('Chromium missing: apt-get install -y chromium');
  try {
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  } catch {
    // Fresh containers often have no package lists yet.
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  return CHROMIUM_PATH;
}

if (require.main === module) {
  try {
    console.log(`Chromium: ${ensureChromium(console.log)}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
