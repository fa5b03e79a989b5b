/**
 * The context a transform sees: the cleaned tables with id and foreign-key indexes, references
 * resolved through the ledger, and the analyst's mapping tables.
 */
import { todayIn } from '../billing/calendar.js';
import type { Ledger } from '../ledger/index.js';
import { MappingTable, type MappingSpec } from '../mappings/table.js';
import { MissingDependency, type Row, type TransformContext } from '../entities/types.js';

export interface ContextOptions {
  tables: Record<string, Row[]>;
  /** Only read: verification passes a read-only view of the ledger (lib/verify/ledger-view.ts). */
  ledger: Pick<Ledger, 'splynxId'>;
  timezone: string;
  /** The first day Splynx bills; default today in `timezone` (a run that knows its snapshot passes the snapshot's date). */
  handoverDate?: string;
  mappingsDir: string;
  mappingSpecs?: Record<string, MappingSpec>;
  /** In a dry run, records that would have been created resolve as references (to id "0"). */
  dryRunCreated?: Set<string>;
}

export function transformContext(opts: ContextOptions): TransformContext {
  const byId = new Map<string, Map<string, Row>>();
  const fk = new Map<string, Map<string, Row[]>>();
  const mappings = new Map<string, MappingTable>();
  // A record's Splynx id, once there is one, stays for the run: remembered, so the thousands of
  // members that name the same customer do not each ask the ledger again. Misses are not
  // remembered (the record may be migrated later in the run).
  const known = new Map<string, string>();
  const ref = (entity: string, sonarId: unknown): string | null => {
    if (sonarId === null || sonarId === undefined || sonarId === '') return null;
    const key = `${entity}:${sonarId}`;
    const hit = known.get(key);
    if (hit) return hit;
    const id = opts.ledger.splynxId(entity, String(sonarId)) ?? (opts.dryRunCreated?.has(key) ? '0' : null);
    if (id) known.set(key, id);
    return id;
  };
  return {
    timezone: opts.timezone,
    handoverDate: opts.handoverDate ?? todayIn(opts.timezone),
    tables: opts.tables,
    byId(table, id) {
      let idx = byId.get(table);
      if (!idx) byId.set(table, (idx = new Map((opts.tables[table] ?? []).map((r) => [String(r.id), r]))));
      return idx.get(String(id));
    },
    children(table, field, value, typeField, type) {
      const key = `${table}|${field}|${typeField ?? ''}`;
      let idx = fk.get(key);
      if (!idx) {
        idx = new Map();
        for (const r of opts.tables[table] ?? []) {
          const k = typeField ? `${r[typeField]}:${r[field]}` : String(r[field]);
          const list = idx.get(k);
          if (list) list.push(r);
          else idx.set(k, [r]);
        }
        fk.set(key, idx);
      }
      return idx.get(typeField ? `${type}:${value}` : String(value)) ?? [];
    },
    ref(entity, sonarId) {
      const id = ref(entity, sonarId);
      if (!id) throw new MissingDependency(entity, String(sonarId));
      return id;
    },
    optionalRef: ref,
    mapping(name) {
      let t = mappings.get(name);
      if (!t) {
        const spec = opts.mappingSpecs?.[name] ?? { name, describes: `Splynx value for ${name}` };
        mappings.set(name, (t = MappingTable.open(opts.mappingsDir, spec)));
      }
      return t;
    },
  };
}
