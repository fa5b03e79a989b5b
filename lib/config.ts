/**
 * Settings: read from `.env` (git-ignored) and the process environment, the environment winning,
 * validated with zod. A bad or missing setting is reported in one line that names it; secret
 * values never appear in that line or anywhere settings are shown.
 */
import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { projectPath } from './paths.js';

export const SECRET_KEYS = ['SONAR_API_KEY', 'SPLYNX_API_KEY', 'SPLYNX_API_SECRET', 'SPLYNX_ADMIN_PASSWORD'] as const;

const url = (name: string) =>
  z
    .string({ error: `${name} is missing` })
    .trim()
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v), `${name} must be an http(s) URL such as https://example.sonar.software`)
    .transform((v) => v.replace(/\/+$/, ''));
const secret = (name: string) =>
  z
    .string({ error: `${name} is missing` })
    .trim()
    .min(1, `${name} is empty`);
const int = (name: string, def: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(def);

export const settingsSchema = z.object({
  SONAR_URL: url('SONAR_URL'),
  SONAR_API_KEY: secret('SONAR_API_KEY'),
  SPLYNX_URL: url('SPLYNX_URL'),
  SPLYNX_API_KEY: secret('SPLYNX_API_KEY'),
  SPLYNX_API_SECRET: secret('SPLYNX_API_SECRET'),
  /**
   * Access tokens by default: one nonce per token (about every 30 minutes), where signatures take
   * one per request and a long load pushes a centisecond nonce minutes ahead of the clock, locking
   * other integrations on the key out until it catches up (figures in the README, "Splynx auth").
   */
  SPLYNX_AUTH: z.enum(['signature', 'token', 'basic'], { error: 'SPLYNX_AUTH must be one of signature, token, basic' }).default('token'),
  /** Requests in flight against Splynx. */
  SPLYNX_CONCURRENCY: int('SPLYNX_CONCURRENCY', 8, 1, 64),
  /** Requests in flight against Sonar. */
  SONAR_CONCURRENCY: int('SONAR_CONCURRENCY', 4, 1, 32),
  /** Sonar's documented budget per token; the client keeps a small margin under it. */
  SONAR_RATE_LIMIT_PER_MINUTE: int('SONAR_RATE_LIMIT_PER_MINUTE', 400, 1, 100_000),
  SONAR_RECORDS_PER_PAGE: int('SONAR_RECORDS_PER_PAGE', 100, 1, 10_000),
  REQUEST_TIMEOUT_MS: int('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
  MAX_RETRIES: int('MAX_RETRIES', 5, 0, 20),
  RETRY_BASE_MS: int('RETRY_BASE_MS', 500, 1, 60_000),
  /** The timezone Splynx's naive datetimes are written in. */
  TIMEZONE: z.string().default('UTC'),
  DATA_DIR: z.string().default('data'),
  /** The first day Splynx bills instead of Sonar; unset: the day the loaded snapshot was taken (lib/billing/handover.ts). */
  HANDOVER_DATE: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'HANDOVER_DATE must be a date, YYYY-MM-DD')
    .optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Reads a `.env` file if there is one; a missing file is not an error, a broken one is. */
export function readEnvFile(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  return parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

export function loadSettings(
  opts: { envFile?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, string | undefined> } = {},
): Settings {
  // The project's .env, wherever we run from (a notebook's kernel runs in notebooks/).
  const fromFile = readEnvFile(opts.envFile ?? projectPath('.env'));
  const raw: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(settingsSchema.shape)) {
    const v = (opts.env ?? process.env)[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  Object.assign(raw, Object.fromEntries(Object.entries(opts.overrides ?? {}).filter(([, v]) => v !== undefined)));
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    // zod's messages above name the key and never include the offending value.
    const first = parsed.error.issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new SettingsError(`Bad setting: ${first.message}${more}. Set it in .env or the environment (see .env.example).`);
  }
  return parsed.data;
}

/** Settings fit to print: every secret as `***`. */
export function redactSettings(settings: Settings): Record<string, string | number> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, (SECRET_KEYS as readonly string[]).includes(k) ? '***' : v]));
}

/** The secret values themselves, for scrubbing them out of any text before it is written anywhere. */
export function secretValues(settings: Partial<Settings>): string[] {
  return SECRET_KEYS.map((k) => (settings as Record<string, unknown>)[k]).filter(
    (v): v is string => typeof v === 'string' && v.length >= 4,
  );
}

/** Replaces every secret value (and its Basic-auth and URL-encoded forms) with `***`. */
export function scrubSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) {
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

/** Settings as rows for a table, secrets as `***`. */
export function settingsTable(settings: Settings): Array<{ setting: string; value: string | number }> {
  return Object.entries(redactSettings(settings)).map(([setting, value]) => ({ setting, value }));
}
