import { TableServiceClient } from '@azure/data-tables';
import { describeReport, verifyAuditTable } from '../bot/audit/verify';
import { openStore } from '../bot/store/store';
import { AUDIT_TABLES } from '../bot/audit/tables';
import { startAzurite, type AzuriteHandle } from '../scripts/azurite';

/**
 * One in-memory Azurite for the whole run; each test file uses its own
 * table prefix so files do not see each other's rows.
 *
 * When the run ends, the audit verifier (npm run audit:verify) checks every
 * audit log the test journeys wrote, in every file's tables: a flow that
 * wrote around the chain, or forked it, fails the run here.
 */
let azurite: AzuriteHandle | undefined;

export async function setup(): Promise<void> {
  azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
}

export async function teardown(): Promise<void> {
  try {
    if (azurite) await verifyEveryAuditLog(azurite.connectionString);
  } finally {
    await azurite?.stop();
  }
}

async function verifyEveryAuditLog(connectionString: string): Promise<void> {
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const reports = [];
  for await (const t of service.listTables()) {
    const name = t.name ?? '';
    if (!name.endsWith('Audit')) continue;
    // The test harness runs without AUDIT_CHAIN_KEY: its chains are unkeyed.
    reports.push(await verifyAuditTable(openStore({ connectionString }, name.slice(0, -'Audit'.length), AUDIT_TABLES).audit, ''));
  }
  const events = reports.reduce((n, r) => n + r.events, 0);
  const broken = reports.filter((r) => r.breaks.length > 0);
  console.log(`AUDIT-VERIFY after the test journeys: ${events} events in ${reports.reduce((n, r) => n + r.partitions, 0)} chains of ${reports.length} stores, ${broken.length === 0 ? 'every chain intact' : 'BREAKS FOUND'}`);
  if (broken.length > 0) throw new Error(`the audit verifier found breaks after the test journeys:\n${broken.map(describeReport).join('\n')}`);
}
