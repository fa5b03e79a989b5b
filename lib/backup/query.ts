/**
 * The one query a table is paged with. Its only variable is the paginator, so a page is fully
 * described by (query text, page number, records_per_page) — which is what resume stores.
 */
import { createHash } from 'node:crypto';
import { getNamedType, isEnumType, isInputObjectType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { fixedArgs } from './selection.js';

/** The page_info fields paging needs; total_count is only reported. */
export const PAGE_INFO_FIELDS = ['page', 'total_pages', 'total_count', 'records_per_page'] as const;

/**
 * Whether the query can be sorted by id ascending. Sonar pages by offset, so without a stable order
 * a record inserted or moved during a long backup could shift across a page boundary and be missed
 * or read twice; sorting by id makes inserts land at the end.
 */
export function canSortById(field: GraphQLField<unknown, unknown>, entity: { getFields(): Record<string, unknown> }): boolean {
  const sorter = field.args.find((a) => a.name === 'sorter');
  if (!sorter || !entity.getFields().id) return false;
  const input = getNamedType(sorter.type);
  if (!isInputObjectType(input)) return false;
  const { attribute, direction } = input.getFields();
  const dir = direction && getNamedType(direction.type);
  return Boolean(attribute && dir && isEnumType(dir) && dir.getValue('ASC'));
}

export interface ListQuery {
  text: string;
  sorted: boolean;
  includeArchived: boolean;
  /** Short hash of the text: a resumed table whose query changed (depth, schema) starts again. */
  hash: string;
}

export function buildListQuery(
  field: GraphQLField<unknown, unknown>,
  connection: GraphQLObjectType,
  entitySelection: string,
  entity: { getFields(): Record<string, unknown> },
): ListQuery {
  const paginator = field.args.find((a) => a.name === 'paginator')!;
  const args = ['paginator: $paginator', ...fixedArgs(field)];
  const sorted = canSortById(field, entity);
  if (sorted) args.push('sorter: [{attribute: "id", direction: ASC}]');
  const pageInfo = PAGE_INFO_FIELDS.filter((f) => pageInfoFields(connection)[f]);
  // The variable's type is copied from the argument, so `Paginator` and `Paginator!` both work.
  // Joined rather than one template literal: test/sonar-queries.test.ts checks the fixed query
  // literals in lib/; this one is built at run time, and test/backup.test.ts validates what it
  // builds for every list query of the real schema.
  const text = [
    'query',
    `Backup($paginator: ${String(paginator.type)})`,
    `{ ${field.name}(${args.join(', ')}) { page_info { ${pageInfo.join(' ')} } entities { ${entitySelection} } } }`,
  ].join(' ');
  return {
    text,
    sorted,
    includeArchived: args.includes('include_archived: true'),
    hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
  };
}

/** The fields of a connection's page_info type (empty when it is not an object). */
export function pageInfoFields(connection: GraphQLObjectType): Record<string, unknown> {
  const pageInfo = getNamedType(connection.getFields().page_info.type);
  return isObjectType(pageInfo) ? pageInfo.getFields() : {};
}
