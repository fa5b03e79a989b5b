/**
 * The kinds of secret the workbook issues, each kept in its own file per run
 * (`<DATA_DIR>/secrets/<kind>-<run>.csv`). A new kind is one entry here; the store, the run's
 * configuration and the secrets scan take it from there.
 */
export interface SecretKind {
  /** The file name's prefix, and how the kind is named in messages. */
  name: string;
  /** The CSV columns after `issued_at`, the secret among them. */
  columns: readonly string[];
  /** The column that holds the secret itself. */
  secret: string;
  /** Which secret a row is, for a leak report: never the value. */
  label(row: Record<string, string>): string;
}

export const SECRET_KINDS = {
  /** A first password given to each administrator created (lib/entities/administrators.ts). */
  administrators: {
    name: 'administrators',
    columns: ['sonar_user_id', 'login', 'name', 'email', 'role_name', 'temporary_password'],
    secret: 'temporary_password',
    label: (r) => `temporary password of administrator ${r.login ?? ''}`.trim(),
  },
  /**
   * A login and password made for an internet service whose account has no RADIUS account, when
   * the analyst's `service-access` table says `generate` (lib/entities/service-access.ts).
   */
  service_passwords: {
    name: 'service-passwords',
    columns: ['sonar_account_id', 'sonar_account_service_id', 'login', 'password'],
    secret: 'password',
    label: (r) => `generated password of internet service login ${r.login ?? ''}`.trim(),
  },
  /** A first portal password per customer, when the `portal-access` table says `generate` (lib/entities/customers.ts). */
  portal_passwords: {
    name: 'portal-passwords',
    columns: ['sonar_account_id', 'login', 'name', 'email', 'password'],
    secret: 'password',
    label: (r) => `portal password of customer ${r.login ?? ''}`.trim(),
  },
} satisfies Record<string, SecretKind>;
