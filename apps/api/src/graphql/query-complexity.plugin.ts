import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { AppConfig } from '../config/app-config';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { redisLimiter } from '../redis/redis-limiter';
import { RedisService } from '../redis/redis.service';
import type { GraphqlContext } from './graphql-context';

const BUDGET_WINDOW_S = 60;

/**
 * What a query costs, before it runs: a point a field, lists weighted by their size, and the SQL each field
 * runs (see the resolvers' `complexity`). A query over GRAPHQL_MAX_COMPLEXITY is refused; so is a user who
 * spent GRAPHQL_COST_PER_MINUTE in the last minute, across all their keys and sessions and every api
 * instance (a Redis counter; per instance while Redis is down, see redisLimiter). Subscriptions belong on graphql-ws, not plain HTTP.
 */
@Plugin()
export class QueryComplexityPlugin implements ApolloServerPlugin<GraphqlContext> {
  private readonly budget: RateLimiterRedis;

  constructor(
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly config: AppConfig,
    redis: RedisService,
  ) {
    this.budget = redisLimiter(
      redis.client,
      `${config.queuePrefix}:graphql-cost`,
      config.graphqlCostPerMinute,
      BUDGET_WINDOW_S,
    );
  }

  async requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    const schema = this.schemaHost.schema;
    return {
      didResolveOperation: async ({ request, document, operation, contextValue }) => {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('subscriptions go over graphql-ws (a WebSocket on /graphql), not a POST', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        let complexity: number;
        try {
          complexity = getComplexity({
            schema,
            operationName: request.operationName,
            query: document,
            variables: request.variables,
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
        } catch (error) {
          // It coerces the variables itself: a variable of the wrong type is the caller's mistake, not ours.
          const message =
            error instanceof GraphQLError
              ? error.message
              : 'the query cannot be costed (is operationName one of its operations?)';
          throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        }
        const max = this.config.graphqlMaxComplexity;
        if (complexity > max) {
          throw new GraphQLError(
            `query too complex: ${complexity} points, at most ${max} (ask for fewer runs or fields)`,
            {
              extensions: { code: 'QUERY_TOO_COMPLEX', complexity, maxComplexity: max, http: { status: 400 } },
            },
          );
        }
        await this.spend(contextValue.principal.userId, complexity);
      },
    };
  }

  private async spend(userId: string, points: number): Promise<void> {
    try {
      await this.budget.consume(userId, points);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new GraphQLError(
        `GraphQL budget spent: ${this.budget.points} points a minute per user; try again in ${retryAfterSeconds} s`,
        {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds,
            http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
          },
        },
      );
    }
  }
}
