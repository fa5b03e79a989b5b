/**
 * The selection set a backup asks for, built from the live schema rather than written by hand, so
 * a Sonar upgrade that adds a field is backed up without a code change.
 *
 * Depth is how many to-one object hops to follow:
 * - depth 0: the entity's own scalar and enum fields (lists of them too). Every relation is then
 *   still in the backup as its `*_id` / `*able_type` + `*able_id` scalars, which is all a restore
 *   needs; this is the default.
 * - depth 1 adds each to-one object field with *its* scalars; depth 2 adds their to-one objects, …
 * - Interfaces (polymorphic owners such as `addressable`) get `__typename` plus the interface's own
 *   fields, because the concrete type is only known per record; unions get `__typename` alone.
 *
 * Nested connections (`Account.addresses: AddressConnection!`) are always left out, at any depth:
 * each is paged separately by the server, so selecting one would either silently stop at its first
 * page or cost extra requests per record. Their records are backed up by their own root query
 * (`addresses`), with the foreign keys that link them. The few links held only in a join (e.g.
 * `Ticket.ticket_categories`) are reported by discovery (`linkConnections`), not silently lost.
 *
 * Fields with a required argument are left out too (we could not supply a value).
 */
import {
  getNamedType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';

/** `XxxConnection { entities page_info }`: the paged list shape every Sonar list returns. */
export function isConnection(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return Boolean(fields.entities && fields.page_info && isListType(unwrapNonNull(fields.entities.type)));
}

const unwrapNonNull = <T>(t: T) => (isNonNullType(t) ? (t.ofType as T) : t);

/** An argument the caller must give: non-null and without a default. */
export const isRequiredArg = (a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined;

/**
 * Arguments we always pass when a field takes them. `include_archived: true` because Sonar hides
 * archived accounts by default, on `accounts` and on every to-one `account` link; a backup that
 * dropped them would not be a backup.
 */
export function fixedArgs(field: GraphQLField<unknown, unknown>): string[] {
  return field.args.some((a) => a.name === 'include_archived') ? ['include_archived: true'] : [];
}

export interface SelectionStats {
  /** Nested connections left out, as `Type.field`. */
  connectionsOmitted: Set<string>;
  /** Fields left out because they need an argument we cannot supply, as `Type.field`. */
  fieldsNeedingArgs: Set<string>;
}

export const newSelectionStats = (): SelectionStats => ({ connectionsOmitted: new Set(), fieldsNeedingArgs: new Set() });

/** The fields to select on `type` (an object or interface), as GraphQL text without the outer braces. */
export function selectionFor(
  type: GraphQLObjectType | GraphQLInterfaceType,
  depth: number,
  stats: SelectionStats = newSelectionStats(),
): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const where = `${type.name}.${field.name}`;
    if (field.args.some(isRequiredArg)) {
      stats.fieldsNeedingArgs.add(where);
      continue;
    }
    const target = getNamedType(field.type);
    if (isScalarType(target) || isEnumType(target)) {
      parts.push(field.name);
      continue;
    }
    if (isConnection(target)) {
      stats.connectionsOmitted.add(where);
      continue;
    }
    if (depth <= 0) continue;
    const args = fixedArgs(field);
    const head = args.length ? `${field.name}(${args.join(', ')})` : field.name;
    if (isUnionType(target)) {
      parts.push(`${head} { __typename }`);
    } else if (isInterfaceType(target)) {
      // The interface's own fields are valid on every member; `__typename` says which member it is.
      const inner = selectionFor(target, depth - 1, stats);
      parts.push(`${head} { ${['__typename', inner].filter(Boolean).join(' ')} }`);
    } else if (isObjectType(target)) {
      // An object made only of relations has nothing left to select at this depth; `__typename`
      // keeps the selection valid and still records whether the link was set.
      const inner = selectionFor(target, depth - 1, stats);
      parts.push(`${head} { ${inner || '__typename'} }`);
    }
  }
  return parts.join(' ');
}
