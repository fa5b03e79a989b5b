/**
 * Checks a dataset against the sandbox's Sonar SDL: each table is a root list query, each record
 * has exactly the scalar and enum fields of the query's entity type, non-null fields are set,
 * and every value has its scalar's wire format or is a value of its enum. Used by the tests and
 * usable on hand-written fixtures.
 */
import fs from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { SonarDataset, SonarValue } from '../dataset.js';
import { LINK_LISTS } from '../../sonar/relations.js';

export function loadSonarSchema(): GraphQLSchema {
  const read = (name: string) => fs.readFileSync(new URL(`../sonar/${name}`, import.meta.url), 'utf8');
  return buildSchema(`${read('schema.graphql')}\n${read('enums.graphql')}`);
}

/** Root list query name → the entity type its connection returns. */
export function entityTypes(schema: GraphQLSchema): Map<string, GraphQLObjectType> {
  const map = new Map<string, GraphQLObjectType>();
  for (const [name, field] of Object.entries(schema.getQueryType()!.getFields())) {
    const connection = getNamedType(field.type);
    if (!isObjectType(connection) || !connection.getFields().entities) continue;
    map.set(name, getNamedType(connection.getFields().entities.type) as GraphQLObjectType);
  }
  return map;
}

export function dataFields(type: GraphQLObjectType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((f) => {
    const named = getNamedType(f.type);
    return isScalarType(named) || isEnumType(named);
  });
}

const OCTET = '(25[0-5]|2[0-4]\\d|1?\\d?\\d)';
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;

const SCALAR_FORMATS: Record<string, (v: SonarValue) => boolean> = {
  Int64Bit: (v) => typeof v === 'string' && /^-?\d+$/.test(v),
  ID: (v) => typeof v === 'string' && v.length > 0,
  String: (v) => typeof v === 'string',
  Text: (v) => typeof v === 'string',
  // Business validity of addresses is the dirt classes' concern; the wire type is a string.
  EmailAddress: (v) => typeof v === 'string',
  Int: (v) => Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31,
  Float: (v) => typeof v === 'number' && Number.isFinite(v),
  Boolean: (v) => typeof v === 'boolean',
  Date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
  Datetime: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  Time: (v) => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(v),
  Numeric: (v) => typeof v === 'string' && /^\d+$/.test(v),
  URL: (v) => typeof v === 'string' && /^https?:\/\/\S+$/.test(v),
  HtmlHexColor: (v) => typeof v === 'string' && /^[0-9A-Fa-f]{6}$/.test(v),
  Latitude: (v) => typeof v === 'number' && v >= -90 && v <= 90,
  Longitude: (v) => typeof v === 'number' && v >= -180 && v <= 180,
  Geopoint: (v) => typeof v === 'string' && /^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/.test(v),
  IP: (v) => typeof v === 'string' && new RegExp(`^${IPV4}$`).test(v),
  SubnetScalar: (v) => typeof v === 'string' && new RegExp(`^${IPV4}/(3[0-2]|[12]?\\d)$`).test(v),
  IpRange: (v) => typeof v === 'string' && new RegExp(`^${IPV4}-${IPV4}$`).test(v),
};

/** Every problem found, as `table[i].field: what is wrong`; empty when the dataset conforms. */
export function schemaProblems(dataset: SonarDataset, schema = loadSonarSchema(), limit = 50): string[] {
  const problems: string[] = [];
  const types = entityTypes(schema);
  const report = (p: string) => problems.length < limit && problems.push(p);
  for (const [table, rows] of Object.entries(dataset.tables)) {
    const type = types.get(table);
    if (!type) {
      report(`${table}: not a root list query of the schema`);
      continue;
    }
    const fields = dataFields(type);
    // A link list (a many-to-many relation) is held as the ids it links.
    const links = Object.keys(LINK_LISTS[table] ?? {});
    const expected = new Set([...fields.map((f) => f.name), ...links]);
    rows.forEach((record, i) => {
      for (const key of Object.keys(record))
        if (!expected.has(key)) report(`${table}[${i}].${key}: not a scalar or enum field of ${type.name}`);
      for (const link of links) {
        const ids = record[link];
        if (!Array.isArray(ids) || ids.some((id) => !SCALAR_FORMATS.Int64Bit(id)))
          report(`${table}[${i}].${link}: not a list of ids (${JSON.stringify(ids)})`);
      }
      for (const field of fields) {
        const value = record[field.name];
        const where = `${table}[${i}].${field.name}`;
        if (value === undefined) report(`${where}: missing`);
        else if (value === null) {
          if (isNonNullType(field.type)) report(`${where}: null in a non-null ${String(field.type)} field`);
        } else {
          const problem = valueProblem(field, value);
          if (problem) report(`${where}: ${problem} (${JSON.stringify(value)})`);
        }
      }
    });
  }
  return problems;
}

function valueProblem(field: GraphQLField<unknown, unknown>, value: SonarValue): string | null {
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  const named = getNamedType(field.type);
  const values = isListType(unwrapped) ? (Array.isArray(value) ? value : null) : [value];
  if (!values) return `expected a list of ${named.name}`;
  for (const v of values) {
    if (isEnumType(named)) {
      if (typeof v !== 'string' || !named.getValue(v)) return `not a value of enum ${named.name}`;
    } else {
      const format = SCALAR_FORMATS[named.name];
      if (!format) return `no wire format known for scalar ${named.name}`;
      if (!format(v)) return `not a valid ${named.name}`;
    }
  }
  return null;
}
