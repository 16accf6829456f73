import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function fromLiteral(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => fromLiteral(v, variables));
    case Kind.OBJECT:
      // As a JSON body's reviver does (json-body-guard.ts): a later copy would set the prototype instead.
      if (node.fields.some((f) => f.name.value === '__proto__'))
        throw new GraphQLError('a key named "__proto__" is not accepted');
      return Object.fromEntries(node.fields.map((f) => [f.name.value, fromLiteral(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError(`unsupported JSON literal ${node.kind}`);
  }
}

/**
 * Any JSON value. The experiment config travels as JSON so that GraphQL applies the very same zod contract
 * as REST, with the same field errors, instead of a second, weaker set of input types.
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value (the experiment config, validated by the same contract as REST)',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => fromLiteral(node, variables),
});
