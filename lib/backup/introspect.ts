/**
 * The schema a backup works from is the one the instance answers with today, fetched by the
 * standard introspection query through the project's SonarClient (so it is authenticated, rate
 * limited and retried like every other request). Never the SDL file in the repository: an
 * instance may be newer or older than the copy we ship.
 */
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import type { SonarClient } from '../sonar/client.js';

export async function introspectSchema(client: SonarClient): Promise<GraphQLSchema> {
  // Descriptions are not needed to build queries and make up much of the answer's size.
  const result = await client.request<IntrospectionQuery>(getIntrospectionQuery({ descriptions: false }));
  return buildClientSchema(result);
}
