/**
 * Checks every hash chain of the audit log and reports breaks (docs/audit.md).
 *
 *   npm run audit:verify                        # the Azurite development store
 *   STORAGE_CONNECTION=... TABLE_PREFIX=... AUDIT_CHAIN_KEY=... npm run audit:verify
 *   STORAGE_ACCOUNT_URL=https://<account>.table.core.windows.net npm run audit:verify   # Entra sign-in
 *
 * Needs only read access to the Audit table (a reader identity: it never
 * writes). Exits 0 when every chain is intact, 1 when any break is found,
 * 2 when it cannot run. `--json` prints the report as JSON.
 */
import { z } from 'zod';
import { describeReport, verifyAuditTable } from '../bot/audit/verify';
import { AZURITE_DEV_CONNECTION } from '../bot/kernel/config';
import { openStore } from '../bot/store/store';
import { AUDIT_TABLES } from '../bot/audit/tables';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const Env = z.object({
  STORAGE_CONNECTION: z.preprocess(blank, z.string().optional()),
  STORAGE_ACCOUNT_URL: z.preprocess(blank, z.string().url().optional()),
  TABLE_PREFIX: z.preprocess(blank, z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/).default('concordat')),
  AUDIT_CHAIN_KEY: z.preprocess(blank, z.string().min(32).optional()),
});

async function main(): Promise<number> {
  const env = Env.safeParse(process.env);
  if (!env.success) {
    console.error(`audit:verify cannot run:\n${env.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
    return 2;
  }
  const e = env.data;
  const store = openStore(
    e.STORAGE_ACCOUNT_URL && !e.STORAGE_CONNECTION ? { accountUrl: e.STORAGE_ACCOUNT_URL } : { connectionString: e.STORAGE_CONNECTION ?? AZURITE_DEV_CONNECTION },
    e.TABLE_PREFIX,
    AUDIT_TABLES,
  );
  const report = await verifyAuditTable(store.audit, e.AUDIT_CHAIN_KEY ?? '');
  console.log(process.argv.includes('--json') ? JSON.stringify(report, null, 2) : describeReport(report));
  return report.breaks.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit:verify failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
