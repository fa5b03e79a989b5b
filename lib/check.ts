/**
 * The connection check an analyst runs first (notebook 00, `migrate.ts check`): for each side,
 * can we reach it, are the credentials accepted, does its API look like what the workbook was
 * built for, and how many records are there. Every answer is one plain sentence.
 */
import { buildClientSchema, getIntrospectionQuery, parse, validate, type IntrospectionQuery } from 'graphql';
import type { Settings } from './config.js';
import { SonarClient, SonarError } from './sonar/client.js';
import { SNAPSHOT_QUERIES } from './sonar/queries.js';
import { SplynxApi, SplynxError } from './splynx/client.js';
import { preflightEverything } from './load/preflight.js';

export interface CheckResult {
  service: 'Sonar' | 'Splynx';
  ok: boolean;
  url: string;
  api: string;
  records: string;
  message: string;
}

const ACCOUNT_COUNT = `query AccountCount {
  accounts(include_archived: true, paginator: {page: 1, records_per_page: 1}) { page_info { total_count } }
}`;

/** A check must answer quickly, so it retries once rather than riding out a long outage. */
const quick = (s: Settings) => ({ timeoutMs: Math.min(s.REQUEST_TIMEOUT_MS, 15_000), maxRetries: 1, retryBaseMs: 200 });

export async function checkSonar(settings: Settings): Promise<CheckResult> {
  const client = new SonarClient({ url: settings.SONAR_URL, token: settings.SONAR_API_KEY, ...quick(settings) });
  const base = { service: 'Sonar' as const, url: settings.SONAR_URL, api: '', records: '' };
  try {
    const count = await client.request<{ accounts: { page_info: { total_count: number } } }>(ACCOUNT_COUNT);
    // The live schema tells us whether this instance still answers every query the snapshot sends.
    const introspection = await client.request<IntrospectionQuery>(getIntrospectionQuery({ descriptions: false }));
    const schema = buildClientSchema(introspection);
    const broken = Object.entries(SNAPSHOT_QUERIES)
      .filter(([, q]) => validate(schema, parse(q)).length > 0)
      .map(([t]) => t);
    const api = `GraphQL v2, ${Object.keys(schema.getQueryType()?.getFields() ?? {}).length} list queries`;
    const records = `${count.accounts.page_info.total_count} accounts`;
    if (broken.length) {
      return {
        ...base,
        ok: false,
        api,
        records,
        message: `Sonar: connected, but this instance's schema refuses the snapshot queries for ${broken.join(', ')}.`,
      };
    }
    return {
      ...base,
      ok: true,
      api,
      records,
      message: `Sonar: connected, token accepted, ${records} (archived included), all ${Object.keys(SNAPSHOT_QUERIES).length} snapshot queries valid.`,
    };
  } catch (e) {
    return { ...base, ok: false, message: e instanceof SonarError ? e.message : `Sonar: ${(e as Error).message}` };
  }
}

export async function checkSplynx(settings: Settings): Promise<CheckResult> {
  const api = new SplynxApi({
    url: settings.SPLYNX_URL,
    key: settings.SPLYNX_API_KEY,
    secret: settings.SPLYNX_API_SECRET,
    auth: settings.SPLYNX_AUTH,
    ...quick(settings),
  });
  const base = { service: 'Splynx' as const, url: settings.SPLYNX_URL, api: '', records: '' };
  try {
    const check = await api.check();
    const customers = await api.count('admin/customers/customer');
    const records = `${customers} customers`;
    // What every phase's load and a rollback will ask of the key, asked now (lib/load/preflight.ts).
    // Splynx answered, so its thirty-odd probes get the load's own retries: one slow answer
    // among them is a hiccup, not a failed check.
    const permissions = await preflightEverything(
      new SplynxApi({
        url: settings.SPLYNX_URL,
        key: settings.SPLYNX_API_KEY,
        secret: settings.SPLYNX_API_SECRET,
        auth: settings.SPLYNX_AUTH,
        timeoutMs: quick(settings).timeoutMs,
        maxRetries: settings.MAX_RETRIES,
        retryBaseMs: settings.RETRY_BASE_MS,
      }),
    );
    const verdict = permissions.ok
      ? `The API key may do everything every phase and a rollback need (${permissions.requests} requests; writes judged by ${permissions.writes === 'token permissions' ? "the token's permissions" : 'nothing: see below'}).`
      : permissions.missing.map((m) => m.sentence).join(' ');
    return {
      ...base,
      ok: permissions.ok,
      api: `REST v2.0 (${check.message})`,
      records,
      message: [`Splynx: connected, ${settings.SPLYNX_AUTH} auth accepted, ${records}.`, verdict, ...permissions.notes].join(' '),
    };
  } catch (e) {
    return { ...base, ok: false, message: e instanceof SplynxError ? e.message : `Splynx: ${(e as Error).message}` };
  }
}

export async function checkConnections(settings: Settings): Promise<CheckResult[]> {
  return Promise.all([checkSonar(settings), checkSplynx(settings)]);
}

/** Stops a notebook (and so a headless replay) when a side failed, with every failure in one message. */
export function assertConnected(results: CheckResult[]): void {
  const failed = results.filter((r) => !r.ok);
  if (failed.length) throw new Error(failed.map((r) => r.message).join('\n'));
}
