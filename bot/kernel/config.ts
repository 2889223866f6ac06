import { z } from 'zod';
import { GraphSettings, graphSettingsFrom } from '../graph/settings';
import { DEFAULT_RETENTION_MONTHS } from '../retention/rules/schedule';
import { DEFAULT_HOTSPOT_SETTINGS, HotspotOverrides, HotspotSettings } from '../warnings/rules/hotspots';
import { lazySchema } from '../common/lazySchema';

/** The region's zone: the default TIME_ZONE, in which cards show times and incidents are filed by week. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

/**
 * Start-up configuration, parsed once from the environment.
 *
 * `local` runs without bot credentials against Azurite and the Agents
 * Playground. It must be chosen explicitly (CONCORDAT_MODE has no default:
 * an app setting forgotten in Azure must not mean "unauthenticated"), only
 * the dev host and the tests choose it, the Functions entry point refuses it
 * (functions/index.ts), it binds to loopback only, and it refuses real
 * storage, so the public demo partner secret and hash key never meet real data.
 * `production` refuses to start without credentials and real storage.
 */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export const AZURITE_DEV_CONNECTION =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = lazySchema(() => z.preprocess(blankToUndefined, z.string().optional()));

const RawEnv = lazySchema(() => z.object({
  CONCORDAT_MODE: z.enum(['local', 'production'], {
    errorMap: () => ({ message: 'set CONCORDAT_MODE=production (or local, which only the development host and the tests use)' }),
  }),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  STORAGE_CONNECTION: optionalString,
  STORAGE_ACCOUNT_URL: z.preprocess(blankToUndefined, z.string().url().optional()),
  TABLE_PREFIX: z.preprocess(blankToUndefined, z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/).default('concordat')),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.preprocess(blankToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  MicrosoftAppTenantId: optionalString,
  TIME_ZONE: z.string().default(DEFAULT_TIME_ZONE),
  PARTNER_KEYS: optionalString,
  ALERT_ESCALATION_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(120),
  // Microsoft Graph (calendar events, installing the bot for a user): optional, see bot/graph/settings.ts.
  GRAPH_TENANT_ID: optionalString,
  GRAPH_CLIENT_ID: optionalString,
  GRAPH_CLIENT_SECRET: optionalString,
  GRAPH_MANAGED_IDENTITY: optionalString,
  GRAPH_CALENDAR_ORGANISER: optionalString,
  GRAPH_TEAMS_APP_CATALOG_ID: optionalString,
  // Early warning: the key of household/complainant reference hashes, and per-borough hotspot rule overrides.
  REFERENCE_HASH_KEY: optionalString,
  HOTSPOT_RULES: optionalString,
  // Retention (docs/storage.md "Retention"): read here so that a typo stops start-up and the pre-deploy check,
  // not the nightly run. Blank means the default.
  INCIDENT_RETENTION_MONTHS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(120).default(DEFAULT_RETENTION_MONTHS)),
  AUDIT_RETENTION_MONTHS: z.preprocess(blankToUndefined, z.coerce.number().int().min(12).max(240).default(72)),
  OUTBOX_RETENTION_MONTHS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(120).default(13)),
  PARTNER_REQUEST_RETENTION_DAYS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  // The audit log's hash chain key (optional; see docs/audit.md): set, a chain cannot be recomputed with the storage key alone.
  AUDIT_CHAIN_KEY: z.preprocess(blankToUndefined, z.string().min(32, 'AUDIT_CHAIN_KEY needs at least 32 characters').optional()),
}));

/**
 * Partner systems allowed to call the signed HTTP endpoints, as JSON:
 * {"<partner id>": {"secret": "...", "organisationId": "gmp"}}.
 */
const PartnerId = lazySchema(() => z.string().regex(/^[a-z0-9-]{3,40}$/));
export const PartnerKey = lazySchema(() => z.object({ secret: z.string().min(32, 'a partner secret has at least 32 characters'), organisationId: z.string() }));
export type PartnerKey = z.infer<typeof PartnerKey>;
/** PARTNER_KEYS as written in the environment. */
const PartnerKeysJson = lazySchema(() => z.record(PartnerId, PartnerKey));
/**
 * A Map, not an object: the partner id comes from a request header, and an
 * object lookup would find "__proto__", "constructor" or "toString" on the
 * prototype (a 500 instead of a 401).
 */
export type PartnerKeys = ReadonlyMap<string, PartnerKey>;

/** Local mode's key for household/complainant reference hashes. Never used in production (REFERENCE_HASH_KEY is required there). */
export const LOCAL_REFERENCE_HASH_KEY = 'local-reference-hash-key-not-for-production-use';

/** Local mode's demo partner, so the signed endpoints can be tried without setup. Never used in production. */
export const LOCAL_DEMO_PARTNER = { id: 'demo-partner', secret: 'local-demo-secret-not-for-production-use', organisationId: 'gmp' };

/** The shortest REFERENCE_HASH_KEY accepted, in either mode. */
const MIN_REFERENCE_HASH_KEY = 32;

/**
 * Settings both modes have; the modes differ in storage and bot credentials.
 *
 * A type, not a schema: loadConfig builds it only from values it has already parsed (the environment through
 * RawEnv, PARTNER_KEYS, the Graph settings and HOTSPOT_RULES through theirs), so parsing the result again proved
 * nothing, and it was a third of the zod work every instance does at start (`npm run bench -- coldImport`).
 */
interface CommonConfig {
  host: string;
  port: number;
  tablePrefix: string;
  timeZone: string;
  partners: PartnerKeys;
  alertEscalationMinutes: number;
  graph?: GraphSettings | undefined;
  referenceHashKey: string;
  hotspots: HotspotSettings;
  retention: {
    /** Incidents (and their warnings, complaint index rows, alerts, operations) are anonymised or deleted this long after. */
    incidentMonths: number;
    /** Audit events are kept this long: 6 years by default (the limitation period for claims a log may be evidence in). */
    auditMonths: number;
    /** Outbox rows (delivery metadata; payloads go when sent) are deleted this long after they were created. */
    outboxMonths: number;
    /** Partner request idempotency records are deleted this long after the request. */
    partnerRequestDays: number;
  };
  /** The HMAC key of the audit log's hash chain; '' (unkeyed) when AUDIT_CHAIN_KEY is not set. */
  auditChainKey: string;
}

export interface LocalConfig extends CommonConfig {
  mode: 'local';
  storage: { connectionString: string };
  bot: { appId: '' };
}

export interface ProductionConfig extends CommonConfig {
  mode: 'production';
  storage: { connectionString: string } | { accountUrl: string };
  bot: {
    appId: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
    /** Absent when a managed identity stands in for a secret. */
    password?: string | undefined;
  };
}

/** Start-up configuration: what loadConfig returns. */
export type Config = LocalConfig | ProductionConfig;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Concordat cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = RawEnv.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  let partners: PartnerKeys = new Map();
  if (e.PARTNER_KEYS) {
    let json: unknown;
    try {
      json = JSON.parse(e.PARTNER_KEYS);
    } catch {
      throw new ConfigError(['PARTNER_KEYS: not valid JSON (expected {"partner-id": {"secret": "...", "organisationId": "..."}})']);
    }
    const parsedKeys = PartnerKeysJson.safeParse(json);
    if (!parsedKeys.success) {
      throw new ConfigError(parsedKeys.error.issues.map((i) => `PARTNER_KEYS.${i.path.join('.')}: ${i.message}`));
    }
    partners = new Map(Object.entries(parsedKeys.data));
  } else if (e.CONCORDAT_MODE === 'local') {
    partners = new Map([[LOCAL_DEMO_PARTNER.id, { secret: LOCAL_DEMO_PARTNER.secret, organisationId: LOCAL_DEMO_PARTNER.organisationId }]]);
  }
  const graph = graphSettingsFrom(e);
  if (graph.problems.length) throw new ConfigError(graph.problems);
  const hotspots = hotspotSettingsFrom(e.HOTSPOT_RULES);
  const common = {
    host: e.HOST,
    port: e.PORT,
    tablePrefix: e.TABLE_PREFIX,
    timeZone: e.TIME_ZONE,
    partners,
    alertEscalationMinutes: e.ALERT_ESCALATION_MINUTES,
    graph: graph.settings,
    hotspots,
    auditChainKey: e.AUDIT_CHAIN_KEY ?? '',
    retention: {
      incidentMonths: e.INCIDENT_RETENTION_MONTHS,
      auditMonths: e.AUDIT_RETENTION_MONTHS,
      outboxMonths: e.OUTBOX_RETENTION_MONTHS,
      partnerRequestDays: e.PARTNER_REQUEST_RETENTION_DAYS,
    },
  };

  if (e.CONCORDAT_MODE === 'local') {
    if (!LOOPBACK.has(e.HOST)) {
      throw new ConfigError([
        `HOST=${e.HOST}: local mode has no bot authentication and may only bind to loopback (127.0.0.1, ::1, localhost). Set CONCORDAT_MODE=production with credentials to listen elsewhere.`,
      ]);
    }
    if (e.MicrosoftAppId) {
      throw new ConfigError(['MicrosoftAppId is set but CONCORDAT_MODE=local: set CONCORDAT_MODE=production to use bot credentials.']);
    }
    if (e.STORAGE_ACCOUNT_URL || (e.STORAGE_CONNECTION && !isLocalEmulator(e.STORAGE_CONNECTION))) {
      throw new ConfigError([
        'CONCORDAT_MODE=local runs unauthenticated with public demo keys, so it only uses the local storage emulator (Azurite on this machine). Unset STORAGE_CONNECTION / STORAGE_ACCOUNT_URL, or set CONCORDAT_MODE=production.',
      ]);
    }
    if (e.REFERENCE_HASH_KEY && e.REFERENCE_HASH_KEY.length < MIN_REFERENCE_HASH_KEY) {
      throw new ConfigError([`REFERENCE_HASH_KEY: at least ${MIN_REFERENCE_HASH_KEY} characters (or unset it: local mode then uses its own key)`]);
    }
    return {
      mode: 'local',
      ...common,
      referenceHashKey: e.REFERENCE_HASH_KEY ?? LOCAL_REFERENCE_HASH_KEY,
      storage: { connectionString: e.STORAGE_CONNECTION ?? AZURITE_DEV_CONNECTION },
      bot: { appId: '' },
    };
  }

  const missing: string[] = [];
  if (!e.MicrosoftAppId) missing.push('MicrosoftAppId (the bot\'s Entra app id)');
  if (!e.MicrosoftAppTenantId) missing.push('MicrosoftAppTenantId (the Entra tenant id)');
  const appType = e.MicrosoftAppType ?? 'SingleTenant';
  if (appType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    missing.push('MicrosoftAppPassword (the bot secret), or MicrosoftAppType=UserAssignedMSI for a managed identity');
  }
  if (!e.STORAGE_CONNECTION && !e.STORAGE_ACCOUNT_URL) {
    missing.push('STORAGE_CONNECTION or STORAGE_ACCOUNT_URL (Azure Table Storage)');
  }
  if (e.STORAGE_CONNECTION?.includes('devstoreaccount1')) {
    missing.push('STORAGE_CONNECTION points at the Azurite development account; production needs a real storage account');
  }
  if (!e.REFERENCE_HASH_KEY || e.REFERENCE_HASH_KEY.length < MIN_REFERENCE_HASH_KEY) {
    missing.push('REFERENCE_HASH_KEY (at least 32 characters: the key of household/complainant reference hashes)');
  }
  const storage = e.STORAGE_CONNECTION ? { connectionString: e.STORAGE_CONNECTION } : e.STORAGE_ACCOUNT_URL ? { accountUrl: e.STORAGE_ACCOUNT_URL } : undefined;
  if (missing.length > 0 || !storage || !e.MicrosoftAppId || !e.MicrosoftAppTenantId || !e.REFERENCE_HASH_KEY) {
    throw new ConfigError(missing.map((m) => `production mode needs ${m}`));
  }
  return {
    mode: 'production',
    ...common,
    referenceHashKey: e.REFERENCE_HASH_KEY,
    storage,
    bot: { appId: e.MicrosoftAppId, appType, tenantId: e.MicrosoftAppTenantId, password: e.MicrosoftAppPassword },
  };
}

/** Azurite on this machine: the development account, with every endpoint on loopback. */
export function isLocalEmulator(connectionString: string): boolean {
  const parts = new Map(
    connectionString
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf('=');
        return [p.slice(0, at).toLowerCase(), p.slice(at + 1)] as const;
      }),
  );
  if (parts.get('usedevelopmentstorage') === 'true') return ![...parts.keys()].some((k) => k.endsWith('endpoint') || k === 'developmentstorageproxyuri');
  if (parts.get('accountname') !== 'devstoreaccount1') return false;
  const endpoints = [...parts.entries()].filter(([k]) => k.endsWith('endpoint')).map(([, v]) => v);
  return endpoints.every((u) => {
    try {
      return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname);
    } catch {
      return false;
    }
  });
}

/** HOTSPOT_RULES: per-borough overrides of the default hotspot rules, as JSON {"stockport": {"asb": {"threshold": 6}}}. */
function hotspotSettingsFrom(raw: string | undefined): HotspotSettings {
  if (!raw) return DEFAULT_HOTSPOT_SETTINGS;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(['HOTSPOT_RULES: not valid JSON (expected {"<borough>": {"<rule id>": {"threshold": 6, "windowDays": 14, "enabled": true}}})']);
  }
  const overrides = HotspotOverrides.safeParse(json);
  const settings = overrides.success ? HotspotSettings.safeParse({ ...DEFAULT_HOTSPOT_SETTINGS, boroughs: overrides.data }) : overrides;
  if (!settings.success) throw new ConfigError(settings.error.issues.map((i) => `HOTSPOT_RULES.${i.path.filter((p) => p !== 'boroughs').join('.')}: ${i.message}`));
  return settings.data;
}

/** What may be printed about the configuration: never a secret or a key. */
export function describeConfig(config: Config): Record<string, string> {
  const storage =
    'accountUrl' in config.storage ? config.storage.accountUrl : redactConnectionString(config.storage.connectionString);
  return {
    mode: config.mode,
    listen: `${config.host}:${config.port}`,
    storage,
    tablePrefix: config.tablePrefix,
    botAppId: config.mode === 'production' ? config.bot.appId : '(none: local, unauthenticated)',
    partners: [...config.partners.keys()].join(', ') || '(none)',
    graph: config.graph ? `on (${config.graph.credential.kind})` : 'off',
    retention: `incidents ${config.retention.incidentMonths} months, audit ${config.retention.auditMonths} months, outbox ${config.retention.outboxMonths} months, partner requests ${config.retention.partnerRequestDays} days`,
    auditChain: config.auditChainKey ? 'keyed' : 'unkeyed (set AUDIT_CHAIN_KEY)',
  };
}

export function redactConnectionString(cs: string): string {
  return cs
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => (/^(AccountKey|SharedAccessSignature)=/i.test(part) ? part.replace(/=.*/, '=***') : part))
    .join(';');
}
