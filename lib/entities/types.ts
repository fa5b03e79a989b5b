/**
 * What an entity module declares, in the spirit of sunbeam-migrate's handlers: where its records
 * come from, what Splynx expects (a zod schema), how one becomes the other, what must be migrated
 * first, and how to find the record again in Splynx. The loader (lib/load) does the rest.
 */
import type { z } from 'zod';
import type { SplynxApi } from '../splynx/client.js';
import type { MappingRow, MappingTable } from '../mappings/table.js';

export type Row = Record<string, unknown>;
export type Phase = 'foundation' | 'network' | 'inventory' | 'customers' | 'finance' | 'support';
export const PHASES: Phase[] = ['foundation', 'network', 'inventory', 'customers', 'finance', 'support'];

/** A Sonar record that depends on one that was not migrated. */
export class MissingDependency extends Error {
  override name = 'MissingDependency';
  constructor(
    readonly entity: string,
    readonly sonarId: string,
  ) {
    super(`needs ${entity} ${sonarId}, which has not been migrated`);
  }
}

/**
 * The record points at a record that is not in the snapshot at all (an orphan in Sonar): no load
 * order can fix it, only the data.
 */
export class DanglingReference extends Error {
  override name = 'DanglingReference';
  constructor(
    readonly table: string,
    readonly field: string,
    readonly target: string,
    readonly value: string,
  ) {
    super(`${field} ${value} points at no ${target} record: there is none in the snapshot`);
  }
}

/**
 * The record cannot be expressed in Splynx as it is: the analyst must decide. `data` when Sonar's
 * own record contradicts itself or says something Splynx has no place for (an error row of
 * category data), otherwise a transformation the migration cannot make.
 */
export class TransformError extends Error {
  override name = 'TransformError';
  constructor(
    message: string,
    readonly field?: string,
    readonly suggestion?: string,
    readonly category: 'transformation' | 'data' = 'transformation',
  ) {
    super(message);
  }
}

export interface TransformContext {
  /** Splynx's naive datetimes are written in this timezone. */
  timezone: string;
  /**
   * The handover: the first day Splynx bills instead of Sonar (`YYYY-MM-DD`; the HANDOVER_DATE
   * setting, else the snapshot's date; see lib/billing/handover.ts).
   */
  handoverDate: string;
  /** The cleaned snapshot, by table. */
  tables: Record<string, Row[]>;
  /** A record of `table` by Sonar id. */
  byId(table: string, id: unknown): Row | undefined;
  /** Records of `table` whose `field` is `value` (and, for polymorphic owners, whose `typeField` is `type`). */
  children(table: string, field: string, value: unknown, typeField?: string, type?: string): Row[];
  /** The Splynx id of a migrated record; throws MissingDependency when there is none. */
  ref(entity: string, sonarId: unknown): string;
  /** Like `ref`, but null when the Sonar id is null or the record was not migrated. */
  optionalRef(entity: string, sonarId: unknown): string | null;
  mapping(name: string): MappingTable;
}

export interface EntityModule<P extends Row = Row> {
  /** Ledger name, also used on the command line (`--entity`). */
  name: string;
  phase: Phase;
  /** The snapshot table the records come from. */
  source: string;
  /** Splynx collection path, e.g. `admin/tariffs/internet`. */
  endpoint: string;
  /** Entities whose records this one refers to: they are loaded first. */
  dependsOn: string[];
  /**
   * Entities referenced only optionally (a ticket's assignee): never pulled into a run as
   * dependencies, but when one loads in the same run it loads first, so the reference is filled.
   */
  after?: string[];
  /** Entities that belong to one record of this one (a customer's services and notes). */
  members?: string[];
  /** The zod schema of the Splynx payload: a record that fails it is never sent. */
  payload: z.ZodType<P>;
  /** Which source rows are this entity's (e.g. only Account-owned notes). Default: all. */
  select?(row: Row, ctx: TransformContext): boolean;
  transform(row: Row, ctx: TransformContext): P;
  /**
   * How to find the record in Splynx again: a human-readable key and the search that finds it in
   * `collection` (where the record is created: lib/entities/defaults.ts). Default: its `sonar_id`.
   */
  naturalKey?(payload: P, row: Row): { key: string; find(api: SplynxApi, collection: string): Promise<string | null> };
  /** Mapping tables this entity reads, and how to propose them from the data. */
  mappings?: Array<{
    name: string;
    propose(ctx: TransformContext): MappingRow[];
  }>;
  /**
   * The Sonar account a record belongs to, for single-customer and batch runs, when its own fields
   * do not say (a ticket reply through its ticket, an IP through a RADIUS login). Default: its
   * `account_id`, or an Account-typed polymorphic owner.
   */
  accountOf?(row: Row, ctx: TransformContext): string | null;
  /**
   * The analyst's mapping table sends this record to one that already exists in Splynx (a company
   * to partner 1 "Main", a Sonar service to a tariff made by hand): answers that Splynx id, or null
   * to migrate the record as usual. A mapped record is checked to exist, then recorded `external`
   * (never created, updated or rolled back), so its dependants refer to the existing one.
   */
  mappedTo?(row: Row, ctx: TransformContext): string | null;
  /** The Sonar id of another record of this entity that must be loaded first (a parent account). */
  selfReference?(row: Row, ctx: TransformContext): string | null;
  /** Where a new record is POSTed when it depends on the payload (a customer's services); default `endpoint`. */
  createPath?(payload: P): string;
  /** Splynx has no update for this entity (customer notes): a changed record is reported, not sent. */
  updatable?: false;
  /**
   * A record Splynx creates with its parent and only lets us update (customer info, customer
   * billing): answers the Splynx id to PUT to. Such records are never POSTed; a PUT is idempotent,
   * so no pending mark is needed.
   */
  attachTo?(payload: P): string;
  /**
   * Fields sent with the create and never again (an administrator's first password). They are not
   * part of the payload, so they are not hashed into the ledger, never seen by a dry run and never
   * sent with an update (which would reset them). Called once per create, right before the POST
   * (a create sent again after a lost answer carries the same values); the module alone keeps
   * whatever must be kept of them.
   */
  createOnly?(payload: P, row: Row, ctx: TransformContext): Row;
  /**
   * The create-only values this record was given, as the secrets store under `secretsDir` keeps
   * them (a generated password), for verify to compare with what Splynx holds; null when none was
   * issued. Never displayed.
   */
  issued?(row: Row, secretsDir: string): Row | null;
  /** Path for updates of one record; default `${endpoint}/${id}`. */
  itemPath?(splynxId: string, payload: P): string;
}

/** Searches a Splynx collection by one main attribute, answering the id of the single match. */
export async function findBy(
  api: SplynxApi,
  endpoint: string,
  attribute: string,
  value: string,
  additional = false,
): Promise<string | null> {
  const key = additional ? 'additional_attributes' : 'main_attributes';
  const rows = await api.get<Array<{ id: string }>>(endpoint, { [key]: { [attribute]: value } });
  if (rows.length > 1)
    throw new Error(
      `${rows.length} records in ${endpoint} have ${attribute} = ${value}; resolve the duplicate in Splynx, then register the right one with register-external`,
    );
  return rows[0]?.id ?? null;
}
