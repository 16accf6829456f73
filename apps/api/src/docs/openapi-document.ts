import {
  ApiKeyDtoSchema,
  BLOCK_TYPES,
  CreateApiKeyRequestSchema,
  CreatedApiKeyDtoSchema,
  CreateTeamRequestSchema,
  CreateUserRequestSchema,
  LoginRequestSchema,
  SESSION_COOKIE,
  TeamDtoSchema,
  UserDtoSchema,
  SignedInUserDtoSchema,
  CreateRunRequestSchema,
  RUN_STATUSES,
  WorkersDtoSchema,
  EpochDtoSchema,
  ErrorDtoSchema,
  GradientFlowDtoSchema,
  HealthDtoSchema,
  RunDtoSchema,
  RunPageDtoSchema,
  EstimateRequestSchema,
  DurationEstimateDtoSchema,
  QueuePositionDtoSchema,
  FigureQuerySchema,
  CreateGroupRequestSchema,
  GroupDtoSchema,
  GroupSummaryDtoSchema,
  AggregateDtoSchema,
  DiagnosisDtoSchema,
  CohortDtoSchema,
} from '@gradlab/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';

/** JSON Schema (2020-12, what OpenAPI 3.1 uses) of a contract; requests as clients send them, with defaults. */
function schema(zodSchema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(zodSchema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema; // the document says which JSON Schema it uses, once
  return json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const error = (description: string) => ({ description, ...json('Error') });
const runId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const kind = { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: ['latest', 'best'] } };
const keyId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const list = (name: string) => ({ content: { 'application/json': { schema: { type: 'array', items: ref(name) } } } });
const figureFile = { name: 'file', in: 'path', required: true, schema: { type: 'string', example: 'learning-curves.pdf' } };
const figureQuery = Object.entries((schema(FigureQuerySchema, 'input') as { properties: Record<string, unknown> }).properties).map(([name, s]) => ({
  name,
  in: 'query',
  schema: s,
}));
const staff = { '401': error('not signed in'), '403': error('staff only') };

/** The REST api's OpenAPI document, built from the same zod contracts that validate requests. */
export function buildOpenApiDocument(): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'gradlab api',
      version: '1',
      description:
        'Submit, follow and read back deep-learning course experiments. Every route but health and sign-in needs an API key (`Authorization: Bearer glk_...`) or the dashboard session cookie; a run of another team answers 404. Live events: socket.io on the same port (`auth: { token }`), `subscribe` with `{ runId }`. GraphQL at /graphql.',
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths: {
      '/api/runs': {
        post: {
          summary: 'Submit a run',
          requestBody: { required: true, ...json('CreateRunRequest') },
          responses: {
            '201': { description: 'queued', ...json('Run') },
            '400': error('a field is invalid: `errors` names each'),
            '503': error('the queue is unreachable; nothing was stored'),
          },
        },
        get: {
          summary: 'Runs, newest first',
          parameters: [
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: [...RUN_STATUSES] } },
            { name: 'blockType', in: 'query', schema: { type: 'string', enum: [...BLOCK_TYPES] } },
            { name: 'architecture', in: 'query', schema: { type: 'string', pattern: '^VGG_\\d+$' }, description: 'depth, e.g. VGG_38' },
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 }, description: 'part of the name, case-insensitive' },
          ],
          responses: { '200': { description: 'a page of runs', ...json('RunPage') }, '400': error('bad query') },
        },
      },
      '/api/runs/estimate': {
        post: {
          summary: 'How long a config would train, from the epoch times workers measured',
          requestBody: { required: true, ...json('EstimateRequest') },
          responses: { '200': { description: 'the estimate', ...json('DurationEstimate') }, '400': error('a field is invalid') },
        },
      },
      '/api/runs/{id}/queue': {
        get: {
          summary: "A queued run's place in the queue and its estimated wait",
          parameters: [runId],
          responses: { '200': { description: 'its place', ...json('QueuePosition') }, '404': error('no such run') },
        },
      },
      '/api/runs/{id}/diagnosis': {
        get: {
          summary: 'What the run’s stored epochs and gradient statistics say is wrong with it: findings with evidence and fixes (most severe first)',
          parameters: [runId],
          responses: { '200': { description: 'its findings; none: nothing found', ...json('Diagnosis') }, '404': error('no such run') },
        },
      },
      '/api/groups': {
        post: {
          summary: 'Submit a group: one config over seeds and an optional grid; the cross product is queued as runs of the group',
          requestBody: { required: true, ...json('CreateGroupRequest') },
          responses: {
            '201': { description: 'the group and its runs', ...json('Group') },
            '400': error('bad config, seeds or grid (field errors name them: grid.lr[1])'),
            '429': error('rate limited, or the team’s queue has no room for every run (QUEUE_FULL)'),
          },
        },
        get: {
          summary: 'The team’s groups, newest first',
          responses: {
            '200': {
              description: 'groups with their runs counted by status',
              content: {
                'application/json': { schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('GroupSummary') } } } },
              },
            },
          },
        },
      },
      '/api/groups/{id}': {
        get: {
          summary: 'A group: its runs with seed and cell, and its cells with mean ± std of best validation and test accuracy',
          parameters: [runId],
          responses: { '200': { description: 'the group', ...json('Group') }, '404': error('no such group') },
        },
      },
      '/api/groups/{id}/aggregate': {
        get: {
          summary: 'Mean, std, min, max and n per epoch and per layer and epoch (gradient magnitudes in log10 space), and the final test metrics',
          parameters: [
            runId,
            {
              name: 'cell',
              in: 'query',
              schema: { type: 'string', example: 'lr=0.001 batch=64' },
              description: 'one cell of a grid, as the group lists it; needed when the group has a grid',
            },
          ],
          responses: {
            '200': { description: 'the aggregate', ...json('Aggregate') },
            '400': error('a grid group without a cell'),
            '404': error('no such group'),
          },
        },
      },
      '/api/groups/{id}/cancel': {
        post: {
          summary: 'Cancel every queued or running run of the group',
          parameters: [runId],
          responses: { '200': { description: 'the group', ...json('Group') }, '404': error('no such group') },
        },
      },
      '/api/groups/{id}/figures/{file}': {
        get: {
          summary:
            "A group's figures over seeds: learning-curves (mean ± std bands) or gradient-flow (geometric mean, log-space band), as .svg, .pdf, .png or .csv",
          parameters: [runId, figureFile, ...figureQuery],
          responses: {
            '200': { description: 'the figure file' },
            '400': error('a grid group without a cell, or a bad query'),
            '404': error('no such group or figure'),
          },
        },
      },
      '/api/aggregate': {
        get: {
          summary: 'Aggregate chosen runs that share one config up to the seed',
          parameters: [{ name: 'runs', in: 'query', required: true, schema: { type: 'string' }, description: 'run ids, comma-separated' }],
          responses: {
            '200': { description: 'the aggregate', ...json('Aggregate') },
            '400': error('configs that differ beyond the seed'),
            '404': error('a run not found'),
          },
        },
      },
      '/api/cohort': {
        get: {
          summary: 'Staff: per team member, runs by status, groups, findings and worker time',
          responses: { '200': { description: 'the cohort', ...json('Cohort') }, ...staff },
        },
      },
      '/api/runs/{id}/figures/{file}': {
        get: {
          summary: "A run's figure as a file: learning-curves, gradient-flow or gradient-heatmap, as .svg, .pdf, .png or .csv",
          parameters: [runId, figureFile, ...figureQuery],
          responses: { '200': { description: 'the file (Content-Disposition names it)' }, '400': error('a bad query'), '404': error('no such run or figure') },
        },
      },
      '/api/imports': {
        post: {
          summary: "Import the course framework's result folder as a read-only run (kind: imported)",
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  properties: {
                    files: {
                      type: 'array',
                      items: { type: 'string', format: 'binary' },
                      description: 'summary.csv, test_summary.csv (optional), the .pdf/.png figures (ignored)',
                    },
                    name: { type: 'string' },
                    folder: { type: 'string', description: 'e.g. VGG_38_experiment: the network is read from it' },
                  },
                },
              },
            },
          },
          responses: {
            '201': { description: 'the imported run', ...json('Run') },
            '400': error('a bad file: errors name the file, line and column; nothing was stored'),
          },
        },
      },
      '/api/report-pack': {
        get: {
          summary:
            "A zip for a report: every figure of ?runs= in every format, each group cell's figures over seeds, the framework CSVs, results.tex, README.txt",
          parameters: [
            { name: 'runs', in: 'query', schema: { type: 'string' }, description: '1 to 8 run ids, comma-separated (optional with groups)' },
            { name: 'groups', in: 'query', schema: { type: 'string' }, description: 'up to 8 group ids, comma-separated' },
          ],
          responses: { '200': { description: 'the zip' }, '400': error('bad runs'), '404': error('no such run') },
        },
      },
      '/api/runs.csv': {
        get: {
          summary: 'The runs table as CSV, with the filters of GET /api/runs',
          responses: { '200': { description: 'runs.csv' }, '400': error('bad query') },
        },
      },
      '/api/runs/{id}/files/{file}': {
        get: {
          summary: "A run's data: summary.csv and test_summary.csv (the course framework's columns), epochs.csv, gradient_flow.csv",
          parameters: [
            runId,
            {
              name: 'file',
              in: 'path',
              required: true,
              schema: { type: 'string', enum: ['summary.csv', 'test_summary.csv', 'epochs.csv', 'gradient_flow.csv'] },
            },
          ],
          responses: { '200': { description: 'the file' }, '404': error('no such run or file'), '409': error('test_summary.csv of a run not completed') },
        },
      },
      '/api/figures/{file}': {
        get: {
          summary: 'A figure of several runs (?runs=id,id): learning-curves (Figure 1) or gradient-flow by relative depth',
          parameters: [figureFile, ...figureQuery],
          responses: { '200': { description: 'the file (Content-Disposition names it)' }, '400': error('a bad query'), '404': error('no such run or figure') },
        },
      },
      '/api/runs/{id}': {
        get: { summary: 'One run', parameters: [runId], responses: { '200': { description: 'the run', ...json('Run') }, '404': error('no such run') } },
      },
      '/api/runs/{id}/epochs': {
        get: {
          summary: "A run's epochs",
          parameters: [runId],
          responses: {
            '200': { description: 'epochs in order', content: { 'application/json': { schema: { type: 'array', items: ref('Epoch') } } } },
            '404': error('no such run'),
          },
        },
      },
      '/api/runs/{id}/gradient-flow': {
        get: {
          summary: 'Per-layer gradient statistics of one epoch',
          parameters: [runId, { name: 'epoch', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'default: the latest stored epoch' }],
          responses: { '200': { description: 'one row per weight tensor', ...json('GradientFlow') }, '404': error('no such run or epoch') },
        },
      },
      '/api/runs/{id}/gradient-flow/all': {
        get: {
          summary: 'Per-layer gradient statistics of every stored epoch (the layer x epoch heatmap)',
          parameters: [runId],
          responses: {
            '200': { description: 'one entry per epoch, in order', content: { 'application/json': { schema: { type: 'array', items: ref('GradientFlow') } } } },
            '404': error('no such run'),
          },
        },
      },
      '/api/runs/{id}/cancel': {
        post: {
          summary: 'Cancel a queued or running run',
          parameters: [runId],
          responses: { '200': { description: 'cancelled', ...json('Run') }, '404': error('no such run'), '409': error('already finished') },
        },
      },
      '/api/runs/{id}/checkpoints/{kind}': {
        get: {
          summary: 'Download a checkpoint (workers)',
          security: [{ workerToken: [] }],
          parameters: [runId, kind],
          responses: {
            '200': { description: 'checkpoint bytes; epoch in x-gradlab-epoch', content: { 'application/octet-stream': {} } },
            '401': error('worker token required'),
            '404': error('none stored'),
          },
        },
        put: {
          summary: 'Upload a checkpoint (workers)',
          security: [{ workerToken: [] }],
          parameters: [runId, kind, { name: 'x-gradlab-epoch', in: 'header', required: true, schema: { type: 'integer', minimum: 0 } }],
          requestBody: { required: true, content: { 'application/octet-stream': {} } },
          responses: {
            '200': { description: 'stored, or ignored when a newer one is stored' },
            '400': error('bad kind, epoch or body'),
            '401': error('worker token required'),
            '404': error('no such run'),
          },
        },
      },
      '/api/workers': {
        get: {
          summary: 'Workers seen through their heartbeats, and the queue depth',
          responses: { '200': { description: 'workers and queue counts', ...json('Workers') } },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'Dashboard sign-in: sets the httpOnly session cookie',
          security: [],
          requestBody: { required: true, ...json('LoginRequest') },
          responses: { '200': { description: 'signed in', ...json('SignedInUser') }, '400': error('bad input'), '401': error('wrong email or password') },
        },
      },
      '/api/auth/logout': { post: { summary: 'Ends the session', security: [], responses: { '204': { description: 'signed out' } } } },
      '/api/auth/session': {
        get: {
          summary: 'Who is signed in, or { user: null }: never a 401',
          security: [],
          responses: {
            '200': {
              description: '{ user }, null when signed out',
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['user'], properties: { user: { anyOf: [ref('SignedInUser'), { type: 'null' }] } } },
                },
              },
            },
          },
        },
      },
      '/api/auth/me': {
        get: { summary: 'Who is calling', responses: { '200': { description: 'the caller', ...json('SignedInUser') }, '401': error('not signed in') } },
      },
      '/api/teams': {
        get: { summary: 'Teams (staff)', responses: { '200': { description: 'teams by name', ...list('Team') }, ...staff } },
        post: {
          summary: 'Create a team (staff)',
          requestBody: { required: true, ...json('CreateTeamRequest') },
          responses: { '201': { description: 'created', ...json('Team') }, '400': error('bad input'), '409': error('name taken'), ...staff },
        },
      },
      '/api/users': {
        get: { summary: 'Users (staff)', responses: { '200': { description: 'users by email', ...list('User') }, ...staff } },
        post: {
          summary: 'Create a user (staff)',
          requestBody: { required: true, ...json('CreateUserRequest') },
          responses: { '201': { description: 'created', ...json('User') }, '400': error('bad input or no such team'), '409': error('email taken'), ...staff },
        },
      },
      '/api/keys': {
        get: {
          summary: 'Your API keys (staff: everyone’s), without their secrets',
          responses: { '200': { description: 'keys, newest first', ...list('ApiKey') }, '401': error('not signed in') },
        },
        post: {
          summary: 'Create an API key: the key is in this answer only',
          requestBody: { required: true, ...json('CreateApiKeyRequest') },
          responses: {
            '201': { description: 'created', ...json('CreatedApiKey') },
            '400': error('bad input'),
            '403': error('a key for someone else, not being staff'),
          },
        },
      },
      '/api/keys/{id}': {
        delete: {
          summary: 'Revoke an API key, at once',
          parameters: [keyId],
          responses: { '200': { description: 'revoked', ...json('ApiKey') }, '404': error('no such key of yours') },
        },
      },
      '/api/health': {
        get: {
          summary: 'Postgres and Redis',
          security: [],
          responses: { '200': { description: 'both up', ...json('Health') }, '503': { description: 'one is down', ...json('Health') } },
        },
      },
    },
    components: {
      schemas: {
        CreateRunRequest: schema(CreateRunRequestSchema, 'input'),
        CreateGroupRequest: schema(CreateGroupRequestSchema, 'input'),
        Group: schema(GroupDtoSchema, 'output'),
        GroupSummary: schema(GroupSummaryDtoSchema, 'output'),
        Aggregate: schema(AggregateDtoSchema, 'output'),
        Diagnosis: schema(DiagnosisDtoSchema, 'output'),
        Cohort: schema(CohortDtoSchema, 'output'),
        Run: schema(RunDtoSchema, 'output'),
        RunPage: schema(RunPageDtoSchema, 'output'),
        Epoch: schema(EpochDtoSchema, 'output'),
        GradientFlow: schema(GradientFlowDtoSchema, 'output'),
        Workers: schema(WorkersDtoSchema, 'output'),
        Health: schema(HealthDtoSchema, 'output'),
        EstimateRequest: schema(EstimateRequestSchema, 'input'),
        DurationEstimate: schema(DurationEstimateDtoSchema, 'output'),
        QueuePosition: schema(QueuePositionDtoSchema, 'output'),
        Error: schema(ErrorDtoSchema, 'output'),
        LoginRequest: schema(LoginRequestSchema, 'input'),
        CreateTeamRequest: schema(CreateTeamRequestSchema, 'input'),
        CreateUserRequest: schema(CreateUserRequestSchema, 'input'),
        CreateApiKeyRequest: schema(CreateApiKeyRequestSchema, 'input'),
        Team: schema(TeamDtoSchema, 'output'),
        User: schema(UserDtoSchema, 'output'),
        SignedInUser: schema(SignedInUserDtoSchema, 'output'),
        ApiKey: schema(ApiKeyDtoSchema, 'output'),
        CreatedApiKey: schema(CreatedApiKeyDtoSchema, 'output'),
      },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (glk_...)' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        workerToken: { type: 'http', scheme: 'bearer', description: 'the worker token (checkpoint routes only)' },
      },
    },
  } as OpenAPIObject;
}
