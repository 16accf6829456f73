import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModelConfigSchema, type BlockCheckDto, type BlockDto, type GroupDto, type RunDto } from '@gradlab/contracts';
import { describeNetwork, parameterCount } from '@gradlab/models';
import { migrateDatabase } from '../database/migrator';
import { createStudent } from '../test-support/create-student';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { startTestApi, type TestApi } from '../test-support/test-api';

const EXAMPLES = path.resolve(__dirname, '../../../../examples/blocks');
const example = (name: string) => JSON.parse(readFileSync(path.join(EXAMPLES, `${name}.json`), 'utf8'));
const n = (id: string, op: string, input: string | string[], extra: object = {}) => ({ id, op, in: input, ...extra });
const processing = example('residual_no_bn').block.processing;
const reduction = example('residual_no_bn').block.reduction;
const doc = (p: object = processing, r: object = reduction) => ({
  format: 'gradlab.block/1',
  processing: p,
  reduction: r,
});

// The bad inputs issue 33 lists: each answers 400 naming the node (field block.<graph>.<node>), and stores nothing.
const BROKEN: [string, object, string, string][] = [
  [
    'a cycle',
    doc({ output: 'b', nodes: [n('a', 'relu', 'b'), n('b', 'relu', 'a')] }),
    'block.processing.a',
    'a cycle: a -> b -> a',
  ],
  ['an unknown op', doc({ output: 'a', nodes: [n('a', 'gelu', 'x')] }), 'block.processing.a', 'unknown op "gelu"'],
  [
    'a residual added to the pooled tensor',
    doc(processing, { ...reduction, output: 's', nodes: [...reduction.nodes, n('s', 'add', ['a1', 'x'])] }),
    'block.reduction.s',
    "'a1' is (F, H/2, W/2), 'x' is (F, H, W)",
  ],
  [
    'a dead branch',
    doc({ output: 'o', nodes: [...processing.nodes, n('t', 'add', ['x', 'x']), n('o', 'leaky_relu', 't')] }),
    'block.processing.conv_0',
    'do not feed the output',
  ],
  [
    'duplicate ids',
    doc({ output: 'c', nodes: [n('c', 'conv', 'x'), n('c', 'conv', 'x')] }),
    'block.processing.c',
    'duplicate id',
  ],
  [
    'a processing block that changes the shape',
    doc({ output: 'p', nodes: [n('c', 'conv', 'x'), n('p', 'max_pool', 'c')] }),
    'block.processing.p',
    "it must keep its input's shape: (F, H, W)",
  ],
  [
    'odd characters in an id',
    doc({ output: 'c', nodes: [n('c.1', 'conv', 'x')] }),
    'block.processing.c.1',
    'must match',
  ],
  [
    '10,000 nodes',
    doc({ output: 'a0', nodes: Array.from({ length: 10_000 }, (_, i) => n(`a${i}`, 'relu', 'x')) }),
    'block.processing',
    'has 10000 nodes; at most 64',
  ],
];

describe("blocks: a team library of students' own blocks (real api and Postgres)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let outsider = '';
  const call = async <T = unknown>(method: string, route: string, body?: unknown, key = api.adminToken) => {
    const response = await fetch(`${api.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: json as T & { message?: string; errors?: { field: string; message: string }[] },
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix() });
    outsider = (await createStudent(api, 'team-blocks-outside', 'blocks-outsider@uni.test')).key;
  }, 60_000);
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  it.each(['preact_residual', 'residual_no_bn', 'bn_after_activation', 'projection_shortcut'])(
    'stores the sound block %s with its parameter counts at both depths',
    async (name) => {
      const { status, body } = await call<BlockDto>('POST', '/api/blocks', { name, block: example(name).block });
      expect(status).toBe(201);
      const expected = (numBlocksPerStage: number) =>
        parameterCount(
          describeNetwork(
            ModelConfigSchema.parse({ numBlocksPerStage, block: { id: body.id, name, graph: body.block } }),
          ),
        );
      expect(body).toMatchObject({ name, runCount: 0, parameterCounts: { VGG_08: expected(0), VGG_38: expected(5) } });
      expect(body.parameterCounts.VGG_38).toBeGreaterThan(body.parameterCounts.VGG_08);
    },
  );

  it.each(BROKEN)('refuses %s with a 400 naming the node, and stores nothing', async (_, block, field, message) => {
    const before = await call<BlockDto[]>('GET', '/api/blocks');
    const { status, body } = await call('POST', '/api/blocks', { name: 'broken', block });
    expect(status).toBe(400);
    expect(body.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringContaining(message) }]));
    expect((await call<BlockDto[]>('GET', '/api/blocks')).body).toHaveLength(before.body.length);
  });

  it('checks without storing: errors by graph and node, and the shapes it could infer', async () => {
    const pooled = BROKEN[2][1];
    const { status, body } = await call<BlockCheckDto>('POST', '/api/blocks/check', { block: pooled });
    expect(status).toBe(200);
    expect(body.ok).toBe(false);
    expect(body.errors).toEqual([{ graph: 'reduction', node: 's', message: expect.stringContaining('disagree') }]);
    expect(body.shapes.reduction).toMatchObject({ x: '(F, H, W)', pool: '(F, H/2, W/2)', s: '(F, H/2, W/2)' });
    expect(body.parameterCounts).toBeNull();
  });

  it('refuses a second block of the same name in the team (409): blocks never change', async () => {
    const { status, body } = await call('POST', '/api/blocks', { name: 'residual_no_bn', block: doc() });
    expect(status).toBe(409);
    expect(body.message).toContain('another name');
  });

  it("exports the course framework's Python for the block", async () => {
    const blocks = (await call<BlockDto[]>('GET', '/api/blocks')).body;
    const block = blocks.find((b) => b.name === 'projection_shortcut') as BlockDto;
    const { status, type, body } = await call<string>('GET', `/api/blocks/${block.id}/pytorch`);
    expect(status).toBe(200);
    expect(type).toContain('text/x-python');
    expect(body).toContain('class ProjectionShortcutConvolutionalDimensionalityReductionBlock(nn.Module):');
    expect(body).toContain("elif args.block_type == 'projection_shortcut':");
    expect(body).toContain("self.layer_dict['proj'] = nn.Conv2d(");
  });

  it("trains a run from the team's block: the run keeps the graph; the block is then fixed and other teams see nothing", async () => {
    const blocks = (await call<BlockDto[]>('GET', '/api/blocks')).body;
    const block = blocks.find((b) => b.name === 'preact_residual') as BlockDto;
    const config = {
      model: { numFilters: 8, numStages: 1, numBlocksPerStage: 1, block: block.id },
      data: { dataset: 'synthetic' },
    };
    const { status, body: run } = await call<RunDto>('POST', '/api/runs', { config });
    expect(status).toBe(201);
    expect(run.config.model).toMatchObject({
      blockType: 'custom',
      block: { id: block.id, name: 'preact_residual', graph: block.block },
    });
    expect(run.name).toBe('VGG_06 preact_residual seed 0');

    expect((await call<BlockDto>('GET', `/api/blocks/${block.id}`)).body.runCount).toBe(1);
    const deleted = await call('DELETE', `/api/blocks/${block.id}`);
    expect(deleted.status).toBe(409);

    expect((await call('GET', `/api/blocks/${block.id}`, undefined, outsider)).status).toBe(404);
    expect((await call('GET', `/api/blocks/${block.id}/pytorch`, undefined, outsider)).status).toBe(404);
    expect((await call<BlockDto[]>('GET', '/api/blocks', undefined, outsider)).body).toEqual([]);
    const stolen = await call('POST', '/api/runs', { config }, outsider);
    expect(stolen.status).toBe(400);
    expect(stolen.body.errors).toEqual([{ field: 'config.model.block', message: `no block ${block.id} in your team` }]);
  });

  it("submits a group over seeds of the team's block: every run keeps the graph, the group is named after it", async () => {
    const blocks = (await call<BlockDto[]>('GET', '/api/blocks')).body;
    const block = blocks.find((b) => b.name === 'residual_no_bn') as BlockDto;
    const config = {
      model: { numFilters: 8, numStages: 1, numBlocksPerStage: 1, block: block.id },
      data: { dataset: 'synthetic' },
    };
    const { status, body } = await call<GroupDto>('POST', '/api/groups', { config, seeds: [0, 1] });
    expect(status).toBe(201);
    expect(body.name).toBe('VGG_06 residual_no_bn x2');
    for (const member of body.runs) {
      const run = (await call<RunDto>('GET', `/api/runs/${member.id}`)).body;
      expect(run.config.model.block).toEqual({ id: block.id, name: 'residual_no_bn', graph: block.block });
    }
    expect((await call<BlockDto>('GET', `/api/blocks/${block.id}`)).body.runCount).toBe(2);
  });

  it('deletes a block no run trains', async () => {
    const blocks = (await call<BlockDto[]>('GET', '/api/blocks')).body;
    const unused = blocks.find((b) => b.name === 'bn_after_activation') as BlockDto;
    expect((await call('DELETE', `/api/blocks/${unused.id}`)).status).toBe(204);
    expect((await call('GET', `/api/blocks/${unused.id}`)).status).toBe(404);
  });

  it('offers the same library over GraphQL, with the nodes at fault in extensions', async () => {
    const gql = async (query: string, variables: object) =>
      (
        await call<{ data?: Record<string, unknown>; errors?: { extensions: Record<string, unknown> }[] }>(
          'POST',
          '/graphql',
          { query, variables },
        )
      ).body;
    const add =
      'mutation($input: AddBlockInput!) { addBlock(input: $input) { name parameterCounts { VGG_38 } pytorch } }';
    const added = await gql(add, { input: { name: 'gql_block', block: doc() } });
    expect(added.data?.addBlock).toMatchObject({
      name: 'gql_block',
      pytorch: expect.stringContaining('class GqlBlock'),
    });
    const refused = await gql(add, { input: { name: 'gql_broken', block: BROKEN[0][1] } });
    expect(refused.errors?.[0].extensions.fieldErrors).toEqual([
      { field: 'block.processing.a', message: 'a cycle: a -> b -> a' },
    ]);
    const listed = await gql('{ blocks { name runCount } }', {});
    expect(listed.data?.blocks).toEqual(expect.arrayContaining([{ name: 'gql_block', runCount: 0 }]));
  });
});
