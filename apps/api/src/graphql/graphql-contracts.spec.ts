import 'reflect-metadata';
import * as contracts from '@gradlab/contracts';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import {
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { z } from 'zod';
import { BlocksResolver } from './blocks.resolver';
import { GroupsResolver } from './groups.resolver';
import { JsonScalar } from './json.scalar';
import { RunsResolver } from './runs.resolver';
import { WorkersResolver } from './workers.resolver';

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/** The schema Nest builds from the resolvers and their model classes, as the api serves it at /graphql. */
async function graphqlSchema(): Promise<GraphQLSchema> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    return await app.get(GraphQLSchemaFactory).create([RunsResolver, GroupsResolver, WorkersResolver, BlocksResolver]);
  } finally {
    await app.close();
  }
}

const types = (schema: JsonSchema): string[] => [
  ...(Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []),
  ...(schema.anyOf ?? []).flatMap(types),
];
const nonNull = (schema: JsonSchema): JsonSchema => schema.anyOf?.find((s) => !types(s).includes('null')) ?? schema;

/**
 * Where a GraphQL field and its contract disagree: a field the contract lacks, a different nullability, a
 * scalar of another kind (Int must be an integer), enum values that differ. Objects and lists recursively.
 */
function mismatches(graphql: GraphQLOutputType, contract: JsonSchema, nullable: boolean, at: string): string[] {
  const graphqlNullable = !(graphql instanceof GraphQLNonNull);
  const contractNullable = nullable || types(contract).includes('null');
  if (graphql === JsonScalar || (graphql instanceof GraphQLNonNull && graphql.ofType === JsonScalar)) return [];
  if (graphqlNullable !== contractNullable)
    return [`${at}: nullable ${graphqlNullable} in GraphQL, ${contractNullable} in the contract`];
  const type = graphql instanceof GraphQLNonNull ? graphql.ofType : graphql;
  const json = nonNull(contract);
  const kinds = types(json);
  if (type instanceof GraphQLList)
    return kinds.includes('array')
      ? mismatches(type.ofType, json.items ?? {}, false, `${at}[]`)
      : [`${at}: a list in GraphQL, ${kinds} in the contract`];
  if (type instanceof GraphQLObjectType) {
    if (!kinds.includes('object')) return [`${at}: an object in GraphQL, ${kinds} in the contract`];
    // A field with a resolver of its own (a run's epochs) is not part of the object's contract: its type is
    // checked as an object of its own.
    return Object.values(type.getFields()).flatMap((field) => {
      if (field.resolve) return [];
      const property = json.properties?.[field.name];
      if (!property) return [`${at}.${field.name}: not in the contract`];
      return mismatches(field.type, property, !json.required?.includes(field.name), `${at}.${field.name}`);
    });
  }
  if (type instanceof GraphQLEnumType) {
    const values = type.getValues().map((v) => v.value as string);
    return JSON.stringify([...values].sort()) === JSON.stringify([...(json.enum ?? [])].sort())
      ? []
      : [`${at}: enum ${values} in GraphQL, ${json.enum} in the contract`];
  }
  const scalar = (type as GraphQLScalarType).name;
  const expected: Record<string, string[]> = {
    Int: ['integer'],
    Float: ['number', 'integer'],
    String: ['string'],
    ID: ['string'],
    Boolean: ['boolean'],
  };
  return kinds.some((kind) => expected[scalar]?.includes(kind))
    ? []
    : [`${at}: ${scalar} in GraphQL, ${kinds.join('|') || 'any'} in the contract`];
}

describe('the GraphQL schema against the zod contracts', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await graphqlSchema();
  });

  /** `RunModel` is `RunDtoSchema`: every GraphQL object whose name has a contract, and what it reaches. */
  function pairs(): [string, GraphQLObjectType, JsonSchema][] {
    return Object.values(schema.getTypeMap()).flatMap((type) => {
      const contract = (contracts as Record<string, unknown>)[`${type.name.replace(/Model$/, '')}DtoSchema`];
      if (!(type instanceof GraphQLObjectType) || !(contract instanceof z.ZodType)) return [];
      return [[type.name, type, z.toJSONSchema(contract, { io: 'output', unrepresentable: 'any' }) as JsonSchema]];
    });
  }

  it('pairs the models with their contracts', () => {
    expect(pairs().map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'RunModel',
        'EpochModel',
        'GradientFlowModel',
        'GroupModel',
        'AggregateModel',
        'DiagnosisModel',
        'WorkersModel',
        'BlockModel',
      ]),
    );
  });

  it('gives every GraphQL field the type and nullability of its contract field', () => {
    expect(
      pairs().flatMap(([name, type, contract]) => mismatches(new GraphQLNonNull(type), contract, false, name)),
    ).toEqual([]);
  });

  it('finds a field whose type differs (the check can fail)', () => {
    const wrong = new GraphQLObjectType({
      name: 'Wrong',
      fields: {
        epoch: { type: new GraphQLNonNull(GraphQLScalarTypeOf('String')) },
        extra: { type: GraphQLScalarTypeOf('Int') },
      },
    });
    const contract = z.toJSONSchema(contracts.EpochDtoSchema, { io: 'output' }) as JsonSchema;
    expect(mismatches(new GraphQLNonNull(wrong), contract, false, 'Wrong')).toEqual([
      'Wrong.epoch: String in GraphQL, integer in the contract',
      'Wrong.extra: not in the contract',
    ]);
  });
});

function GraphQLScalarTypeOf(name: 'String' | 'Int'): GraphQLScalarType {
  return new GraphQLScalarType({ name });
}
