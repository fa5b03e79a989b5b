/**
 * Checks that one GraphQL schema is a subset of another: every type the sandbox exposes exists in
 * the real Sonar schema with the same kind, and every field, argument, input field, interface,
 * union member and enum value it declares exists there with the same type. Required arguments and
 * input fields of the real schema must not be left out, or a query valid against the sandbox
 * could be refused by the real service.
 */
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

const kindOf = (t: GraphQLNamedType) =>
  isObjectType(t)
    ? 'type'
    : isInterfaceType(t)
      ? 'interface'
      : isEnumType(t)
        ? 'enum'
        : isInputObjectType(t)
          ? 'input'
          : isUnionType(t)
            ? 'union'
            : 'scalar';

export function subsetProblems(sub: GraphQLSchema | string, sup: GraphQLSchema | string): string[] {
  const small = typeof sub === 'string' ? buildSchema(sub) : sub;
  const big = typeof sup === 'string' ? buildSchema(sup) : sup;
  const problems: string[] = [];

  for (const type of Object.values(small.getTypeMap())) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    const real = big.getType(type.name);
    if (!real) {
      problems.push(`${kindOf(type)} ${type.name} does not exist in the real schema`);
      continue;
    }
    if (kindOf(real) !== kindOf(type)) {
      problems.push(`${type.name} is a ${kindOf(type)} here but a ${kindOf(real)} in the real schema`);
      continue;
    }
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(real) || isInterfaceType(real))) {
      const realInterfaces = new Set(real.getInterfaces().map((i) => i.name));
      for (const i of type.getInterfaces()) {
        if (!realInterfaces.has(i.name)) problems.push(`${type.name} implements ${i.name}, which the real type does not`);
      }
      const realFields = real.getFields();
      for (const field of Object.values(type.getFields())) {
        const rf = realFields[field.name];
        if (!rf) problems.push(`${type.name}.${field.name} does not exist in the real schema`);
        else problems.push(...fieldProblems(`${type.name}.${field.name}`, field, rf));
      }
    }
    if (isInputObjectType(type) && isInputObjectType(real)) {
      const ours = type.getFields();
      for (const [name, f] of Object.entries(ours)) {
        const rf = real.getFields()[name];
        if (!rf) problems.push(`input ${type.name}.${name} does not exist in the real schema`);
        else if (String(rf.type) !== String(f.type))
          problems.push(`input ${type.name}.${name} is ${f.type} here but ${rf.type} in the real schema`);
      }
      for (const rf of Object.values(real.getFields())) {
        if (isRequiredInputField(rf) && !ours[rf.name]) problems.push(`input ${type.name} leaves out the required field ${rf.name}`);
      }
    }
    if (isEnumType(type) && isEnumType(real)) {
      const realValues = new Set(real.getValues().map((v) => v.name));
      for (const v of type.getValues()) {
        if (!realValues.has(v.name)) problems.push(`enum ${type.name} value ${v.name} does not exist in the real schema`);
      }
    }
    if (isUnionType(type) && isUnionType(real)) {
      const members = new Set(real.getTypes().map((t) => t.name));
      for (const t of type.getTypes())
        if (!members.has(t.name)) problems.push(`union ${type.name} member ${t.name} is not in the real union`);
    }
  }
  for (const root of ['Query', 'Mutation'] as const) {
    const ours = root === 'Query' ? small.getQueryType() : small.getMutationType();
    const theirs = root === 'Query' ? big.getQueryType() : big.getMutationType();
    if (ours && theirs && ours.name !== theirs.name)
      problems.push(`${root} root is ${ours.name} here but ${theirs.name} in the real schema`);
  }
  return problems;
}

function fieldProblems(where: string, field: GraphQLField<unknown, unknown>, real: GraphQLField<unknown, unknown>): string[] {
  const out: string[] = [];
  if (String(field.type) !== String(real.type)) out.push(`${where} is ${field.type} here but ${real.type} in the real schema`);
  const realArgs = new Map<string, GraphQLArgument>(real.args.map((a) => [a.name, a]));
  for (const arg of field.args) {
    const ra = realArgs.get(arg.name);
    if (!ra) out.push(`${where}(${arg.name}:) does not exist in the real schema`);
    else if (String(ra.type) !== String(arg.type)) out.push(`${where}(${arg.name}:) is ${arg.type} here but ${ra.type} in the real schema`);
    else if (JSON.stringify(ra.defaultValue) !== JSON.stringify(arg.defaultValue))
      out.push(`${where}(${arg.name}:) has a different default value`);
  }
  const ours = new Set(field.args.map((a) => a.name));
  for (const ra of real.args)
    if (isRequiredArgument(ra) && !ours.has(ra.name)) out.push(`${where} leaves out the required argument ${ra.name}`);
  return out;
}
