/**
 * The Sonar schema the workbook is built against: a checked subset of the real one (see
 * test/sonar-schema-subset.test.ts). The sandbox serves it, and the dataframe helpers read the
 * column types and references of each table from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SDL_FILES = ['schema.graphql', 'enums.graphql'];

export function sandboxSdl(): string {
  return SDL_FILES.map((f) => fs.readFileSync(path.join(HERE, f), 'utf8')).join('\n');
}

let cached: GraphQLSchema | undefined;

/** Built once per process; callers must not install resolvers on it (the sandbox builds its own). */
export function workbookSchema(): GraphQLSchema {
  return (cached ??= buildSchema(sandboxSdl()));
}
