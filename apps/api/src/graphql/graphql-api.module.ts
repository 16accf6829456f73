import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import type { WebSocket } from 'ws';
import { AuthModule } from '../auth/auth.module';
import { AuthService } from '../auth/auth.service';
import { LiveConnections } from '../auth/live-connections';
import { AppConfig } from '../config/app-config';
import type { Principal } from '../auth/principal';
import { LiveEventsModule } from '../live-events/live-events.module';
import { RunsModule } from '../runs/runs.module';
import { WorkersModule } from '../workers/workers.module';
import { maskInternalError, toGraphQLError, unauthenticated } from './graphql-errors';
import { QueryComplexityPlugin } from './query-complexity.plugin';
import { queryLimitsRule } from './query-limits.rule';
import { GroupsModule } from '../groups/groups.module';
import { BlocksResolver } from './blocks.resolver';
import { GroupsResolver } from './groups.resolver';
import { RunDataLoaders } from './run-data.loaders';
import { RunsResolver } from './runs.resolver';
import { WorkersResolver } from './workers.resolver';

/** What graphql-ws keeps for one connection: its upgrade request, and the caller found when it connected. */
interface WsExtra {
  request: Request;
  socket: WebSocket;
  principal?: Principal;
}

/**
 * GraphQL at /graphql, code first. Every request carries an API key or the session cookie (401 otherwise);
 * subscriptions run over graphql-ws on the same path and authenticate when they connect.
 */
@Module({
  imports: [
    RunsModule,
    LiveEventsModule,
    GroupsModule,
    WorkersModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule],
      inject: [AuthService, AppConfig, LiveConnections],
      useFactory: (auth: AuthService, config: AppConfig, live: LiveConnections) => ({
        // @nestjs/apollo answers 200 for any error raised during execution unless told otherwise (nestjs/graphql
        // #3940, #3997): an outage must answer 503 with Retry-After, as REST does (graphql-errors.ts sets
        // extensions.http on outages and sign-in only).
        preserveHttpStatusForExecutionErrors: false,
        path: '/graphql',
        autoSchemaFile: true,
        sortSchema: true,
        playground: false,
        introspection: true,
        // No automatic persisted queries: no client of ours sends them, and the cache would be one more
        // thing for a caller to fill. One sent is answered PERSISTED_QUERY_NOT_SUPPORTED.
        persistedQueries: false,
        // Field resolvers (a run's epochs, its gradient flow) map domain errors like every other resolver.
        fieldResolverEnhancers: ['filters'],
        // Stack traces and internal messages stay in the log outside development.
        includeStacktraceInErrorResponses: config.development,
        formatError: (formatted, error) => maskInternalError(formatted, error, config.development),
        // The deepest useful query today (runs > items > gradientFlow > layers > field) has depth 5.
        validationRules: [
          queryLimitsRule({
            maxDepth: config.graphqlMaxDepth,
            maxNodes: config.graphqlMaxNodes,
            maxAliases: config.graphqlMaxAliases,
            maxIntrospectionDepth: 15,
            maxIntrospectionLists: 1,
          }),
        ],
        // HTTP requests come as { req }; subscriptions (graphql-ws) as its context, whose caller onConnect found.
        context: async (arg: { req?: Request; extra?: WsExtra }) => {
          if (arg.extra) return { principal: arg.extra.principal };
          const req = arg.req as Request;
          // Postgres down while the caller is looked up: UNAVAILABLE with 503, as REST, not a 500.
          const principal = await auth
            .authenticate(req.headers.authorization, req.headers.cookie)
            .catch((error: unknown) => {
              throw toGraphQLError(error);
            });
          if (!principal) throw unauthenticated();
          return { principal };
        },
        subscriptions: {
          'graphql-ws': {
            onConnect: async (ctx) => {
              const extra = ctx.extra as WsExtra;
              const params = ctx.connectionParams ?? {};
              const token =
                typeof params.authorization === 'string'
                  ? params.authorization
                  : typeof params.token === 'string'
                    ? `Bearer ${params.token}`
                    : extra.request.headers.authorization;
              const principal = await auth.authenticate(token, extra.request.headers.cookie);
              if (!principal) return false; // graphql-ws closes the socket with 4403 Forbidden
              extra.principal = principal;
              if (principal.apiKeyId) live.trackGraphqlSocket(principal.apiKeyId, extra.socket);
              return true;
            },
          },
        },
      }),
    }),
  ],
  providers: [RunsResolver, GroupsResolver, WorkersResolver, BlocksResolver, QueryComplexityPlugin, RunDataLoaders],
})
export class GraphqlApiModule {}
