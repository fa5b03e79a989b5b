/**
 * Sonar's custom scalars, with the wire formats its schema documents: Int64Bit "is always output
 * as a string", Date is YYYY-MM-DD, Datetime is ISO 8601 with an offset.
 */
import { GraphQLError, Kind, type GraphQLScalarType, type ValueNode } from 'graphql';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})$/;

function int64(value: unknown): string {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+$/.test(s) || (typeof value === 'number' && !Number.isInteger(value))) {
    throw new GraphQLError(`Int64Bit cannot represent ${JSON.stringify(value)}`);
  }
  return s;
}

function date(value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new GraphQLError(`Date must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

function datetime(value: unknown): string {
  if (typeof value !== 'string' || !DATETIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(`Datetime must be ISO 8601 with an offset (e.g. 2017-01-01T12:33:12+04:00), got ${JSON.stringify(value)}`);
  }
  return value;
}

function literal(parse: (v: unknown) => string) {
  return (ast: ValueNode) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parse(ast.value);
    throw new GraphQLError(`Expected a string${ast.kind === Kind.NULL ? '' : ` but got ${ast.kind}`}`);
  };
}

const PARSERS: Record<string, (v: unknown) => string> = { Int64Bit: int64, Date: date, Datetime: datetime };

/** graphql-js scalars built from SDL pass values through; give these three their real rules. */
export function installScalars(scalars: GraphQLScalarType[]): void {
  for (const scalar of scalars) {
    const parse = PARSERS[scalar.name];
    if (!parse) continue;
    scalar.serialize = (v: unknown) => parse(v);
    scalar.parseValue = (v: unknown) => parse(v);
    scalar.parseLiteral = literal(parse);
  }
}
