/**
 * The settings a backup needs: only Sonar's. loadSettings() in lib/config.ts insists on the Splynx
 * keys too, which a backup taken long before (or after) the Splynx side exists must not need, so
 * this reads the same sources (.env, then the environment, the environment winning) with the same
 * schema, narrowed to the Sonar keys. Error messages name the key, never its value.
 */
import { readEnvFile, settingsSchema, SettingsError } from '../config.js';
import { projectPath } from '../paths.js';

export const backupSettingsSchema = settingsSchema.pick({
  SONAR_URL: true,
  SONAR_API_KEY: true,
  SONAR_CONCURRENCY: true,
  SONAR_RATE_LIMIT_PER_MINUTE: true,
  SONAR_RECORDS_PER_PAGE: true,
  REQUEST_TIMEOUT_MS: true,
  MAX_RETRIES: true,
  RETRY_BASE_MS: true,
  DATA_DIR: true,
});

export type BackupSettings = ReturnType<typeof backupSettingsSchema.parse>;

export function loadBackupSettings(opts: { envFile?: string; env?: NodeJS.ProcessEnv } = {}): BackupSettings {
  const raw: Record<string, string | undefined> = { ...readEnvFile(opts.envFile ?? projectPath('.env')) };
  for (const key of Object.keys(backupSettingsSchema.shape)) {
    const v = (opts.env ?? process.env)[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = backupSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new SettingsError(`Bad setting: ${first.message}${more}. Set it in .env or the environment (see .env.example).`);
  }
  return parsed.data;
}
