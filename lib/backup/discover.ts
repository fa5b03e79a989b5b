/**
 * Which root queries a backup pages through, decided from the introspected schema alone: every
 * root field that returns a paged connection of records with an `id`, takes a paginator, and needs
 * no argument we cannot make up. Everything else is skipped *with the reason*, so a summary can say
 * why `general_search` or `me` is not in the backup instead of quietly leaving it out.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildListQuery, pageInfoFields, type ListQuery } from './query.js';
import { isConnection, isRequiredArg, newSelectionStats, selectionFor } from './selection.js';

/** Names the stores use for their own bookkeeping; a root query with one of these names is skipped. */
export const META_TABLES = ['_backup_tables', '_backup_info'] as const;

export interface TablePlan {
  /** The root query, which is also the table's name in the store. */
  table: string;
  entityType: string;
  query: ListQuery;
}

export interface SkippedQuery {
  table: string;
  reason: string;
}

export interface Discovery {
  /** Every root field of the Query type. */
  rootQueries: number;
  tables: TablePlan[];
  skipped: SkippedQuery[];
  /** Root queries left out by include/exclude. */
  excluded: string[];
  /**
   * Nested connections of backed-up types whose link is *not* readable from the child's own
   * fields (no `<parent>_id`, no field pointing back): a many-to-many held in a join, such as
   * `Ticket.ticket_categories`. Their records are in their own tables, the link is not.
   */
  linkConnections: string[];
  /** Fields left out because they need an argument we cannot supply, as `Type.field`. */
  fieldsNeedingArgs: string[];
}

export interface DiscoverOptions {
  depth?: number;
  include?: string[];
  exclude?: string[];
}

/** A bad include/exclude name: a usage error, reported before anything is fetched. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function discoverTables(schema: GraphQLSchema, opts: DiscoverOptions = {}): Discovery {
  const depth = opts.depth ?? 0;
  const roots = schema.getQueryType()?.getFields() ?? {};
  const names = Object.keys(roots);
  for (const [flag, list] of [
    ['include', opts.include],
    ['exclude', opts.exclude],
  ] as const) {
    const unknown = (list ?? []).filter((n) => !roots[n]);
    if (unknown.length) {
      throw new DiscoveryError(
        `--${flag}: no root query named ${unknown.map((n) => `"${n}"`).join(', ')} on this Sonar (it has ${names.length}, e.g. ${names.slice(0, 5).join(', ')})`,
      );
    }
  }
  const wanted = (n: string) => (!opts.include?.length || opts.include.includes(n)) && !opts.exclude?.includes(n);

  const out: Discovery = { rootQueries: names.length, tables: [], skipped: [], excluded: [], linkConnections: [], fieldsNeedingArgs: [] };
  const stats = newSelectionStats();
  for (const [name, field] of Object.entries(roots)) {
    if (!wanted(name)) {
      out.excluded.push(name);
      continue;
    }
    const verdict = judge(name, field);
    if ('reason' in verdict) {
      out.skipped.push({ table: name, reason: verdict.reason });
      continue;
    }
    const selection = selectionFor(verdict.entity, depth, stats);
    out.tables.push({
      table: name,
      entityType: verdict.entity.name,
      query: buildListQuery(field, verdict.connection, selection, verdict.entity),
    });
  }
  out.fieldsNeedingArgs = [...stats.fieldsNeedingArgs].sort();
  const backedUp = new Set(out.tables.map((t) => t.entityType));
  out.linkConnections = [...backedUp]
    .flatMap((typeName) => {
      const type = schema.getType(typeName) as GraphQLObjectType | GraphQLInterfaceType;
      return Object.values(type.getFields())
        .filter((f) => isConnection(getNamedType(f.type)))
        .map((f) => `${typeName}.${f.name}`);
    })
    .filter((where) => isJoinOnly(schema, where))
    .sort();
  return out;
}

type Verdict = { reason: string } | { connection: GraphQLObjectType; entity: GraphQLObjectType | GraphQLInterfaceType };

function judge(name: string, field: GraphQLField<unknown, unknown>): Verdict {
  if (!NAME.test(name) || (META_TABLES as readonly string[]).includes(name))
    return { reason: `its name clashes with the backup's own tables` };
  const type = getNamedType(field.type);
  if (!isConnection(type)) {
    const unpaged = isObjectType(type) && type.getFields().entities;
    return { reason: `returns ${String(field.type)}, ${unpaged ? 'a list without page_info' : 'not a connection'}, so it cannot be paged` };
  }
  const required = field.args.filter((a) => isRequiredArg(a) && a.name !== 'paginator');
  if (required.length) {
    return { reason: `needs ${required.map((a) => `${a.name}: ${String(a.type)}`).join(', ')}, which a backup cannot supply` };
  }
  if (!field.args.some((a) => a.name === 'paginator')) return { reason: 'takes no paginator, so it cannot be paged' };
  const missing = ['page', 'total_pages', 'records_per_page'].filter((f) => !pageInfoFields(type)[f]);
  if (missing.length) return { reason: `its page_info has no ${missing.join(', ')}` };
  const entity = getNamedType(type.getFields().entities.type);
  if (!isObjectType(entity) && !isInterfaceType(entity))
    return { reason: `its entities are ${entity.name}, a union with no id to key rows by` };
  if (!entity.getFields().id) return { reason: `its entities (${entity.name}) have no id to key rows by` };
  return { connection: type, entity };
}

/**
 * True when `Parent.field`'s children carry no way back to the parent: no `<parent>_id` (or
 * `…_<parent>_id`, as `parent_account_id`) and no to-one field typed as the parent or one of its
 * interfaces (a polymorphic owner). Those links exist only through the nested connection.
 */
function isJoinOnly(schema: GraphQLSchema, where: string): boolean {
  const [parentName, fieldName] = where.split('.');
  const parent = schema.getType(parentName) as GraphQLObjectType | GraphQLInterfaceType;
  const conn = getNamedType(parent.getFields()[fieldName].type) as GraphQLObjectType;
  const child = getNamedType(conn.getFields().entities.type);
  if (!isObjectType(child) && !isInterfaceType(child)) return true;
  const snake = parentName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const owners = new Set<string>([parentName, ...(isObjectType(parent) ? parent.getInterfaces().map((i) => i.name) : [])]);
  return !Object.values(child.getFields()).some((f) => {
    if (f.name === `${snake}_id` || f.name.endsWith(`_${snake}_id`)) return true;
    const t: GraphQLNamedType = getNamedType(f.type);
    return !isConnection(t) && owners.has(t.name);
  });
}
