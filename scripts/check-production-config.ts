/**
 * Loads the configuration the way the Functions host does and exits non-zero
 * with the list of missing settings. Used by tests and as a pre-deploy check:
 * `CONCORDAT_MODE=production npx tsx scripts/check-production-config.ts`.
 */
import { ConfigError, describeConfig, loadConfig } from '../bot/kernel/config';

try {
  const config = loadConfig(process.env);
  console.log(JSON.stringify(describeConfig(config)));
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : String(err));
  process.exit(1);
}
