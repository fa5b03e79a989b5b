/**
 * Several pages of one list query in one GraphQL request, by aliases: `p0: accounts(paginator: $p0)
 * …, p1: accounts(paginator: $p1) …`. Sonar's budget is 400 requests a minute, whatever each asks
 * for, so a long id-only listing (the cutover's deletion check: 19,710 ids at 100 a page were 199
 * requests, half a minute's budget, which pushed the cutover into a second window) costs a tenth.
 */
import { Kind, parse, print, visit, type FieldNode, type OperationDefinitionNode } from 'graphql';

export const alias = (i: number) => `p${i}`;

/** Items in runs of `size`, the last one shorter. */
export function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
}

/**
 * The query with its root field asked `count` times, each under its alias with its own
 * `$p<i>: Paginator` in place of `$paginator`. The query must have one root field whose
 * `paginator` argument is `$paginator`, its only variable.
 */
export function aliasedPages(query: string, count: number): string {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const vars = op?.variableDefinitions ?? [];
  const root = op?.selectionSet.selections;
  if (!op || root?.length !== 1 || root[0].kind !== Kind.FIELD || vars.length !== 1 || vars[0].variable.name.value !== 'paginator')
    throw new Error('aliasedPages: the query must take only $paginator, for its one root field');
  const field = root[0];
  const copies = Array.from({ length: count }, (_, i): FieldNode => {
    const renamed = visit(field, {
      Variable: (v) => (v.name.value === 'paginator' ? { ...v, name: { ...v.name, value: alias(i) } } : undefined),
    });
    return { ...renamed, alias: { kind: Kind.NAME, value: alias(i) } };
  });
  const defs = Array.from({ length: count }, (_, i) => ({
    ...vars[0],
    variable: { ...vars[0].variable, name: { ...vars[0].variable.name, value: alias(i) } },
  }));
  return print({ ...doc, definitions: [{ ...op, variableDefinitions: defs, selectionSet: { ...op.selectionSet, selections: copies } }] });
}
