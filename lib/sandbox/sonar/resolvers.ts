/**
 * Resolvers derived from the schema rather than written by hand for forty types: each type's
 * table is the root query returning its connection, and each relation is found from the field
 * names Sonar uses (`<parent>_id`, or a polymorphic `<x>able_type`/`<x>able_id` pair).
 */
import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { installScalars } from './scalars.js';
import { ListQuery, paginate, type ListArgs } from './query.js';
import { TYPE, type SonarStore, type StoredRecord } from './store.js';
import { LINK_LISTS } from '../../sonar/relations.js';

/** Relations whose link cannot be read off the field names. */
const CONNECTION_LINKS: Record<string, { key: string } | { none: true }> = {
  'Account.child_accounts': { key: 'parent_account_id' },
  // Many-to-many in Sonar, through a join the sandbox does not hold.
  'Ticket.ticket_categories': { none: true },
  'TicketCategory.tickets': { none: true },
};

export const snake = (typeName: string) => typeName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** root query → type name, for every `xs: XConnection!` root field. */
export function tablesOf(schema: GraphQLSchema): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, field] of Object.entries(schema.getQueryType()!.getFields())) {
    const conn = getNamedType(field.type) as GraphQLObjectType;
    const entity = isObjectType(conn) ? conn.getFields().entities : undefined;
    if (entity) out.set(name, getNamedType(entity.type).name);
  }
  return out;
}

export interface ResolverOptions {
  maxRecordsPerPage: number;
}

export function installResolvers(schema: GraphQLSchema, store: SonarStore, tables: Map<string, string>, opts: ResolverOptions): void {
  const tableOf = new Map([...tables].map(([t, type]) => [type, t]));
  const queries = new Map<string, ListQuery>();
  const listQuery = (type: string) => {
    let q = queries.get(type);
    if (!q) queries.set(type, (q = new ListQuery(schema.getType(type) as GraphQLObjectType)));
    return q;
  };
  // A full scan per page would make paging a filtered 300,000-row table quadratic; keep the last result per query.
  const cache = new Map<string, { version: number; rows: StoredRecord[] }>();
  const list = (type: string, rows: StoredRecord[], args: ListArgs, cacheKey: string | null) => {
    const q = listQuery(type);
    const { paginator, ...rest } = args;
    const key = cacheKey && `${cacheKey}|${JSON.stringify(rest)}`;
    const hit = key ? cache.get(key) : undefined;
    let result: StoredRecord[];
    if (hit && hit.version === store.version) result = hit.rows;
    else {
      result = q.sort(q.filter(rows, rest, type === 'Account'), rest.sorter);
      if (key) {
        if (cache.size > 64) cache.clear();
        cache.set(key, { version: store.version, rows: result });
      }
    }
    return paginate(result, paginator, opts.maxRecordsPerPage);
  };

  installScalars(Object.values(schema.getTypeMap()).filter(isScalarType));

  for (const [root, field] of Object.entries(schema.getQueryType()!.getFields())) {
    const type = tables.get(root);
    if (type) field.resolve = (_src, args: ListArgs) => list(type, store.rows(root), args, root);
  }

  for (const type of Object.values(schema.getTypeMap())) {
    if (isInterfaceType(type)) type.resolveType = (r: StoredRecord) => r[TYPE];
    if (!isObjectType(type) || type.name.startsWith('__') || !tableOf.has(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      if (isScalarType(target) || !('getFields' in target)) continue;
      if (isObjectType(target) && target.name.endsWith('Connection')) {
        field.resolve = connectionResolver(type, field, target, tableOf, store, list);
      } else {
        field.resolve = toOneResolver(type, field, target.name, tableOf, store);
      }
    }
  }
}

type ListFn = (type: string, rows: StoredRecord[], args: ListArgs, cacheKey: string | null) => unknown;

function connectionResolver(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  conn: GraphQLObjectType,
  tableOf: Map<string, string>,
  store: SonarStore,
  list: ListFn,
) {
  const childType = getNamedType(conn.getFields().entities.type) as GraphQLObjectType;
  const childTable = tableOf.get(childType.name);
  const childFields = childType.getFields();
  const where = `${parent.name}.${field.name}`;
  const override = CONNECTION_LINKS[where];
  if (!childTable || (override && 'none' in override)) return (_p: StoredRecord, args: ListArgs) => list(childType.name, [], args, null);
  // A many-to-many relation: the record holds the ids it links (LINK_LISTS).
  const parentTable = tableOf.get(parent.name);
  if (parentTable && LINK_LISTS[parentTable]?.[field.name] === childTable) {
    return (p: StoredRecord, args: ListArgs) => {
      const ids = (p[field.name] as unknown[] | null | undefined) ?? [];
      const rows = ids.map((id) => store.get(childTable, id)).filter((r): r is StoredRecord => !!r);
      return list(
        childType.name,
        rows.sort((a, b) => Number(a.id) - Number(b.id)),
        args,
        null,
      );
    };
  }
  const direct = override && 'key' in override ? override.key : childFields[`${snake(parent.name)}_id`] ? `${snake(parent.name)}_id` : null;
  if (direct) return (p: StoredRecord, args: ListArgs) => list(childType.name, store.children(childTable, direct, p.id), args, null);
  const poly = Object.keys(childFields).find((f) => f.endsWith('able_type') && childFields[f.replace(/_type$/, '_id')]);
  if (!poly) throw new Error(`Sandbox cannot tell how ${where} links to ${childType.name}`);
  const polyId = poly.replace(/_type$/, '_id');
  return (p: StoredRecord, args: ListArgs) => list(childType.name, store.children(childTable, polyId, p.id, poly, parent.name), args, null);
}

function toOneResolver(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  targetName: string,
  tableOf: Map<string, string>,
  store: SonarStore,
) {
  const fields = parent.getFields();
  const hideArchived = (r: StoredRecord | undefined, args: { include_archived?: boolean }) =>
    r && r[TYPE] === 'Account' && r.archived_at && !args.include_archived ? null : (r ?? null);
  // Polymorphic owner: `addressable` is read through addressable_type + addressable_id.
  if (fields[`${field.name}_type`] && fields[`${field.name}_id`]) {
    return (p: StoredRecord, args: { include_archived?: boolean }) => {
      const t = p[`${field.name}_type`] as string | null;
      const table = t ? tableOf.get(t) : undefined;
      return table ? hideArchived(store.get(table, p[`${field.name}_id`]), args) : null;
    };
  }
  const targetTable = tableOf.get(targetName);
  if (!targetTable) throw new Error(`Sandbox has no table for ${parent.name}.${field.name}: ${targetName}`);
  if (fields[`${field.name}_id`]) {
    return (p: StoredRecord, args: { include_archived?: boolean }) => hideArchived(store.get(targetTable, p[`${field.name}_id`]), args);
  }
  // The 1:1 detail records point back at their owner (DataServiceDetail.service_id, AccountBillingParameter.account_id).
  const back = `${snake(parent.name)}_id`;
  return (p: StoredRecord) => store.children(targetTable, back, p.id)[0] ?? null;
}

export function assertNoUnknownTables(dataset: { tables: Record<string, unknown> }, tables: Map<string, string>): void {
  const unknown = Object.keys(dataset.tables).filter((t) => !tables.has(t));
  if (unknown.length) throw new GraphQLError(`Dataset has tables the sandbox does not serve: ${unknown.join(', ')}`);
}
