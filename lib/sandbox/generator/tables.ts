/**
 * Where generated records go: every table the generator fills, and the fields every Sonar
 * entity carries, so each module only writes what is particular to its records.
 */
import type { SonarRecord, SonarValue } from '../dataset.js';
import { formatDatetime } from './clock.js';
import { Rng, stableUid } from './rng.js';

/** Listed once so every table is present (even when empty) and in a stable order. */
export const TABLE_NAMES = [
  'companies',
  'account_statuses',
  'account_types',
  'phone_number_types',
  'roles',
  'users',
  'ticket_groups',
  'ticket_categories',
  'custom_fields',
  'services',
  'data_service_details',
  'recurring_service_details',
  'voice_service_details',
  'supernets',
  'subnets',
  'ip_pools',
  'network_sites',
  'network_site_serviceable_address_lists',
  'manufacturers',
  'inventory_model_categories',
  'inventory_models',
  'inventory_model_fields',
  'inventory_locations',
  'accounts',
  'account_billing_parameters',
  'addresses',
  'contacts',
  'phone_numbers',
  'account_services',
  'radius_accounts',
  'ip_assignments',
  'inventory_items',
  'inventory_model_field_data',
  'custom_field_data',
  'notes',
  'tickets',
  'ticket_replies',
  'ticket_comments',
  'invoices',
  'debits',
  'payments',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

export class Tables {
  readonly tables: Record<TableName, SonarRecord[]>;

  constructor(
    private readonly seed: number,
    private readonly rng: Rng,
    private readonly referenceMs: number,
  ) {
    this.tables = Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as Record<TableName, SonarRecord[]>;
  }

  /**
   * Adds a record with the next sequential id. Without `updatedMs`, most records were edited at
   * some point between creation and the reference time, and a few never were.
   */
  insert(table: TableName, createdMs: number, fields: Record<string, SonarValue>, updatedMs?: number): SonarRecord {
    const rows = this.tables[table];
    const id = String(rows.length + 1);
    const created = Math.min(createdMs, this.referenceMs);
    const updated = Math.max(created, Math.min(updatedMs ?? this.laterEdit(created), this.referenceMs));
    const createdAt = formatDatetime(created);
    const record: SonarRecord = {
      id,
      sonar_unique_id: stableUid(this.seed, table, id),
      created_at: createdAt,
      updated_at: updated === created ? createdAt : formatDatetime(updated),
      _version: updated > created ? String(this.rng.int(2, 12)) : '1',
      ...fields,
    };
    rows.push(record);
    return record;
  }

  count(table: TableName): number {
    return this.tables[table].length;
  }

  private laterEdit(createdMs: number): number {
    return this.rng.chance(0.3) ? createdMs : this.rng.float(createdMs, this.referenceMs);
  }
}
