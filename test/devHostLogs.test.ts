import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/kernel/config';
import type { Logger } from '../bot/kernel/logger';
import { createRuntime, type Runtime } from '../bot/runtime';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { invocation } from '../scripts/localFunctionsHost';
import { freshStore } from './support/storage';

/** What `npm start` prints while it runs: a function's own words, and nothing from a timer that found nothing. */
let runtime: Runtime;
let lines: { level: string; message: string; fields?: Record<string, unknown> }[];

beforeEach(async () => {
  const { connectionString, prefix } = await freshStore();
  lines = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix }), logger);
  await runtime.ctx.store.ensureTables();
  lines.length = 0;
});
afterEach(() => {
  lines.length = 0;
});

describe('the dev host log', () => {
  it("prints a function's context.log message itself, at its level, naming the function", () => {
    const context = invocation('retention', runtime);
    context.log('retention: cutoff 2025-10-01, anonymised 2, failed 0');
    context.warn('retention: 1 row could not be read');
    expect(lines).toEqual([
      { level: 'info', message: 'retention: cutoff 2025-10-01, anonymised 2, failed 0', fields: { function: 'retention' } },
      { level: 'warn', message: 'retention: 1 row could not be read', fields: { function: 'retention' } },
    ]);
  });

  it('the hotspot warnings timer says nothing when it raised nothing (it runs every 15 minutes)', async () => {
    const warnings = TIMER_FUNCTIONS.find((t) => t.name === 'warnings')!;
    await warnings.handler({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, invocation('warnings', runtime), runtime);
    expect(lines).toEqual([]);
  });
});
