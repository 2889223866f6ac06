import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../bot/kernel/config';
import { DEFAULT_HOTSPOT_SETTINGS, HotspotSettings } from '../bot/warnings/rules/hotspots';
import { DEFAULT_RETENTION_MONTHS } from '../bot/retention/rules/schedule';

const ROOT = path.resolve(__dirname, '..');

describe('configuration', () => {
  it('refuses to start with no mode: an unset CONCORDAT_MODE never means unauthenticated', () => {
    expect(() => loadConfig({})).toThrow(/set CONCORDAT_MODE=production/);
  });

  it('refuses local mode with real storage: the public demo keys never meet real data', () => {
    const real = 'DefaultEndpointsProtocol=https;AccountName=concordatprod;AccountKey=cHJvZA==;EndpointSuffix=core.windows.net';
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: real })).toThrow(/only uses the local storage emulator/);
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', STORAGE_ACCOUNT_URL: 'https://concordatprod.table.core.windows.net' })).toThrow(/local storage emulator/);
    // The development account name pointed at a remote host is not the emulator either.
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: 'AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=https://evil.example/devstoreaccount1' })).toThrow(/local storage emulator/);
    expect(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: 'UseDevelopmentStorage=true' }).mode).toBe('local');
  });

  it('runs locally when local mode is chosen, on loopback and Azurite', () => {
    const c = loadConfig({ CONCORDAT_MODE: 'local' });
    expect(c.mode).toBe('local');
    expect(c.host).toBe('127.0.0.1');
    expect(describeConfig(c).storage).toContain('AccountKey=***');
  });

  it('refuses local (unauthenticated) mode on a non-loopback address', () => {
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', HOST: '0.0.0.0' })).toThrow(/may only bind to loopback/);
  });

  it('names every missing production setting', () => {
    try {
      loadConfig({ CONCORDAT_MODE: 'production' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['MicrosoftAppId', 'MicrosoftAppTenantId', 'MicrosoftAppPassword', 'STORAGE_CONNECTION']) expect(msg).toContain(name);
    }
  });

  it('accepts a managed identity in place of a secret', () => {
    const c = loadConfig({
      CONCORDAT_MODE: 'production',
      MicrosoftAppId: 'app',
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: 'tenant',
      STORAGE_ACCOUNT_URL: 'https://concordat.table.core.windows.net',
      REFERENCE_HASH_KEY: 'k'.repeat(32),
    });
    expect(c.mode).toBe('production');
  });

  it('refuses a reference hash key shorter than 32 characters in local mode too, naming the setting', () => {
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', REFERENCE_HASH_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', REFERENCE_HASH_KEY: 'short' })).toThrow(/REFERENCE_HASH_KEY: at least 32 characters/);
    expect(loadConfig({ CONCORDAT_MODE: 'local', REFERENCE_HASH_KEY: 'k'.repeat(32) }).referenceHashKey).toBe('k'.repeat(32));
  });

  it('the default hotspot rules, used when HOTSPOT_RULES is unset, are valid hotspot settings', () => {
    // loadConfig takes them as they are (only overrides from the environment are parsed at start), so they are checked here.
    expect(HotspotSettings.parse(DEFAULT_HOTSPOT_SETTINGS)).toEqual(DEFAULT_HOTSPOT_SETTINGS);
    expect(loadConfig({ CONCORDAT_MODE: 'local' }).hotspots).toEqual(DEFAULT_HOTSPOT_SETTINGS);
  });

  it('builds the whole configuration from the environment: each setting where the app reads it, blank meaning the default', () => {
    const c = loadConfig({
      CONCORDAT_MODE: 'production',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: 'tenant',
      STORAGE_ACCOUNT_URL: 'https://concordat.table.core.windows.net',
      REFERENCE_HASH_KEY: 'k'.repeat(32),
      PORT: '8080',
      TIME_ZONE: 'Europe/Dublin',
      PARTNER_KEYS: JSON.stringify({ 'gmp-crm': { secret: 's'.repeat(32), organisationId: 'gmp' } }),
      HOTSPOT_RULES: JSON.stringify({ stockport: { asb: { threshold: 6 } } }),
      GRAPH_CLIENT_SECRET: 'graph-secret',
      AUDIT_RETENTION_MONTHS: '',
      OUTBOX_RETENTION_MONTHS: '24',
    });
    expect(c).toEqual({
      mode: 'production',
      host: '127.0.0.1',
      port: 8080,
      tablePrefix: 'concordat',
      timeZone: 'Europe/Dublin',
      partners: new Map([['gmp-crm', { secret: 's'.repeat(32), organisationId: 'gmp' }]]),
      alertEscalationMinutes: 120,
      graph: { tenantId: 'tenant', clientId: 'app-id', credential: { kind: 'secret', secret: 'graph-secret' } },
      referenceHashKey: 'k'.repeat(32),
      hotspots: { rules: DEFAULT_HOTSPOT_SETTINGS.rules, boroughs: { stockport: { asb: { threshold: 6 } } } },
      retention: { incidentMonths: DEFAULT_RETENTION_MONTHS, auditMonths: 72, outboxMonths: 24, partnerRequestDays: 30 },
      auditChainKey: '',
      storage: { accountUrl: 'https://concordat.table.core.windows.net' },
      bot: { appId: 'app-id', appType: 'SingleTenant', tenantId: 'tenant', password: 'secret' },
    });
  });

  it('refuses the Azurite development account in production', () => {
    expect(() =>
      loadConfig({ CONCORDAT_MODE: 'production', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 't', STORAGE_CONNECTION: 'UseDevelopmentStorage=true;AccountName=devstoreaccount1' }),
    ).toThrow(/Azurite development account/);
  });

  it('never prints a secret when describing the configuration', () => {
    const c = loadConfig({
      CONCORDAT_MODE: 'production',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'p@ss-very-secret',
      MicrosoftAppTenantId: 'tenant',
      STORAGE_CONNECTION: 'DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net',
      REFERENCE_HASH_KEY: 'reference-hash-key-very-secret-0123456789',
    });
    const printed = JSON.stringify(describeConfig(c));
    expect(printed).not.toContain('reference-hash-key-very-secret');
    expect(printed).not.toContain('p@ss-very-secret');
    expect(printed).not.toContain('c2VjcmV0LWtleQ==');
  });

  it('production start-up without credentials exits non-zero naming the missing settings, and prints no secret', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/dev-host.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, CONCORDAT_MODE: 'production', MicrosoftAppPassword: 'hunter2-secret', STORAGE_CONNECTION: 'x' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('MicrosoftAppId');
    expect(run.stderr).toContain('MicrosoftAppTenantId');
    expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
  });
});
