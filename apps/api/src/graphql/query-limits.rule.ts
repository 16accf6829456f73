import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  /** Deepest field nesting; root fields are at depth 0. Introspection fields are limited apart. */
  maxDepth: number;
  /** Fields and fragment spreads in the operation, fragments expanded. */
  maxNodes: number;
  /** Aliased fields, fragments expanded: each alias can be a whole query of its own. */
  maxAliases: number;
  /** Nesting below __schema or __type. The standard introspection query (its TypeRef nests ofType nine times) needs 13. */
  maxIntrospectionDepth: number;
  /**
   * Introspection fields that list a type's members (fields, interfaces, ...) on one path: the standard
   * query has one; more (`fields { type { fields ...`) multiplies the answer by the schema's size each time.
   */
  maxIntrospectionLists: number;
}

const INTROSPECTION_LISTS = new Set(['fields', 'inputFields', 'interfaces', 'possibleTypes', 'enumValues']);

/**
 * One validation rule for the size of a query: depth, nodes, aliases and introspection. It expands fragments
 * with a record of those on the path, so a fragment cycle (which GraphQL's own rules report) cannot send it
 * round for ever, and it stops counting at the first limit it passes, so a fragment that spreads another
 * many times cannot make it work exponentially.
 */
export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions)
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      const name = operation.name?.value ?? '';
      let nodes = 0;
      let aliases = 0;
      let failed = false;
      const fail = (message: string) => {
        if (!failed) context.reportError(new GraphQLError(message, { nodes: [operation] }));
        failed = true;
      };

      const walk = (
        selectionSet: SelectionSetNode,
        depth: number,
        introspection: { depth: number; lists: number } | null,
        path: Set<string>,
      ) => {
        for (const selection of selectionSet.selections) {
          if (failed) return;
          if (++nodes > limits.maxNodes)
            return fail(`'${name}' has more than ${limits.maxNodes} fields (fragments expanded)`);
          if (selection.kind === Kind.INLINE_FRAGMENT) {
            walk(selection.selectionSet, depth, introspection, path);
          } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
            const fragment = fragments.get(selection.name.value);
            if (!fragment || path.has(fragment.name.value)) continue; // unknown or a cycle: GraphQL's own rules say so
            walk(fragment.selectionSet, depth, introspection, new Set([...path, fragment.name.value]));
          } else {
            if (selection.alias && ++aliases > limits.maxAliases)
              return fail(`'${name}' has more than ${limits.maxAliases} aliases`);
            const field = selection.name.value;
            let inside = introspection;
            if (inside || field === '__schema' || field === '__type') {
              inside = {
                depth: inside ? inside.depth + 1 : 0,
                lists: (inside?.lists ?? 0) + (INTROSPECTION_LISTS.has(field) ? 1 : 0),
              };
              if (inside.depth > limits.maxIntrospectionDepth)
                return fail(`'${name}' exceeds maximum introspection depth of ${limits.maxIntrospectionDepth}`);
              if (inside.lists > limits.maxIntrospectionLists)
                return fail(
                  `'${name}' lists a type's members through another type's more than ${limits.maxIntrospectionLists} time(s)`,
                );
            } else if (!field.startsWith('__') && depth > limits.maxDepth) {
              return fail(`'${name}' exceeds maximum operation depth of ${limits.maxDepth}`);
            }
            if (selection.selectionSet) walk(selection.selectionSet, inside ? depth : depth + 1, inside, path);
          }
        }
      };
      walk(operation.selectionSet, 0, null, new Set());
    },
  });
}
