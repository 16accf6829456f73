import {
  BLOCK_FORMAT,
  BLOCK_GRAPH_ROLES,
  BLOCK_INPUT,
  BLOCK_NODE_ID,
  BLOCK_OPS,
  MAX_BLOCK_NODES,
  type BlockDocument,
  type BlockGraphRole,
  type BlockNode,
  type BlockOp,
} from '@gradlab/contracts';
import { isModuleDictAttribute } from './torch-reserved-names';

/** One reason a block is refused: the graph and node at fault, and what is wrong, shapes included. */
export interface BlockIssue {
  graph: BlockGraphRole | null;
  node: string | null;
  message: string;
}

/**
 * A node's output shape, relative to the block's input (F, H, W): every conv outputs the network's F
 * channels and every other op keeps its input's, so only the spatial size varies, halved `halvings` times.
 */
export interface BlockShape {
  halvings: number;
}

export function formatShape(shape: BlockShape): string {
  if (shape.halvings === 0) return '(F, H, W)';
  const d = 2 ** shape.halvings;
  return `(F, H/${d}, W/${d})`;
}

/** A sound graph: its nodes in execution order (which is also the framework's registration order). */
export interface CheckedGraph {
  output: string;
  order: BlockNode[];
  shapes: Map<string, BlockShape>;
}

export type BlockCheck =
  | { ok: true; block: BlockDocument; graphs: Record<BlockGraphRole, CheckedGraph> }
  | { ok: false; issues: BlockIssue[]; shapes: Partial<Record<BlockGraphRole, Map<string, BlockShape>>> };

/** What each op accepts beside id, op and in, and how many inputs it takes. */
const OP_ATTRIBUTES: Record<BlockOp, { attributes: string[]; inputs: 'one' | 'several' }> = {
  conv: { attributes: ['kernel', 'stride', 'bias'], inputs: 'one' },
  batch_norm: { attributes: [], inputs: 'one' },
  leaky_relu: { attributes: ['slope'], inputs: 'one' },
  relu: { attributes: [], inputs: 'one' },
  tanh: { attributes: [], inputs: 'one' },
  avg_pool: { attributes: [], inputs: 'one' },
  max_pool: { attributes: [], inputs: 'one' },
  add: { attributes: [], inputs: 'several' },
  dropout: { attributes: ['p'], inputs: 'one' },
};

/** The output each graph must have: a processing block keeps (F, H, W), a reduction block halves H and W. */
const OUTPUT_HALVINGS: Record<BlockGraphRole, number> = { processing: 0, reduction: 1 };

/**
 * Checks a `gradlab.block/1` document: the JSON's shape, ids, ops and attributes, references, cycles, dead
 * nodes, and the shapes it infers (add's inputs agree, each graph returns its role's shape). Pure: the api
 * runs it before storing anything, the worker before building the network. Every issue names its node.
 */
export function checkBlock(input: unknown): BlockCheck {
  if (!isRecord(input)) return refused([{ graph: null, node: null, message: 'a block is a JSON object' }]);
  const issues: BlockIssue[] = [];
  if (input.format !== BLOCK_FORMAT) {
    issues.push({ graph: null, node: null, message: `format must be '${BLOCK_FORMAT}'` });
  }
  for (const key of Object.keys(input)) {
    if (!['format', ...BLOCK_GRAPH_ROLES].includes(key)) {
      issues.push({
        graph: null,
        node: null,
        message: `unknown key '${key}': a block holds format, processing and reduction`,
      });
    }
  }
  const shapes: Partial<Record<BlockGraphRole, Map<string, BlockShape>>> = {};
  const graphs: Partial<Record<BlockGraphRole, CheckedGraph>> = {};
  for (const role of BLOCK_GRAPH_ROLES) {
    const result = checkGraph(role, input[role]);
    issues.push(...result.issues);
    if (result.shapes) shapes[role] = result.shapes;
    if (result.checked) graphs[role] = result.checked;
  }
  if (issues.length > 0) return { ok: false, issues, shapes };
  return {
    ok: true,
    block: input as unknown as BlockDocument,
    graphs: graphs as Record<BlockGraphRole, CheckedGraph>,
  };
}

function refused(issues: BlockIssue[]): BlockCheck {
  return { ok: false, issues, shapes: {} };
}

function checkGraph(
  role: BlockGraphRole,
  input: unknown,
): { issues: BlockIssue[]; shapes?: Map<string, BlockShape>; checked?: CheckedGraph } {
  const issue = (node: string | null, message: string): BlockIssue => ({ graph: role, node, message });
  if (!isRecord(input)) return { issues: [issue(null, `${role} must be an object { output, nodes }`)] };
  if (!Array.isArray(input.nodes)) return { issues: [issue(null, `${role}.nodes must be a list of nodes`)] };
  // Refused before anything is read from them: a graph this large is no block.
  if (input.nodes.length > MAX_BLOCK_NODES) {
    return { issues: [issue(null, `${role} has ${input.nodes.length} nodes; at most ${MAX_BLOCK_NODES}`)] };
  }
  const issues: BlockIssue[] = [];
  for (const key of Object.keys(input)) {
    if (key !== 'output' && key !== 'nodes') issues.push(issue(null, `${role}: unknown key '${key}'`));
  }

  // Each node on its own: id, op, attributes, input list.
  const nodes: BlockNode[] = [];
  const seen = new Map<string, number>();
  input.nodes.forEach((raw: unknown, index: number) => {
    const label = isRecord(raw) && typeof raw.id === 'string' ? raw.id : `nodes[${index}]`;
    const nodeIssues = checkNode(raw, index).map((message) => issue(label, message));
    if (isRecord(raw) && typeof raw.id === 'string') {
      const earlier = seen.get(raw.id);
      if (earlier !== undefined)
        nodeIssues.push(issue(raw.id, `duplicate id '${raw.id}' (nodes[${earlier}] and nodes[${index}])`));
      else seen.set(raw.id, index);
    }
    issues.push(...nodeIssues);
    if (nodeIssues.length === 0) nodes.push(raw as unknown as BlockNode);
  });
  if (issues.length > 0) return { issues };

  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    for (const source of inputsOf(node)) {
      if (source !== BLOCK_INPUT && !ids.has(source)) {
        issues.push(issue(node.id, `node '${node.id}': input '${source}' is neither 'x' nor a node of ${role}`));
      }
    }
  }
  const output = input.output;
  if (typeof output !== 'string' || (output !== BLOCK_INPUT && !ids.has(output))) {
    issues.push(
      issue(null, `${role}.output must be 'x' or the id of one of its nodes (got ${JSON.stringify(output)})`),
    );
  }
  if (issues.length > 0) return { issues };

  const order = executionOrder(nodes);
  if (order.length < nodes.length) {
    const cycle = findCycle(nodes, new Set(order.map((n) => n.id)));
    return { issues: [issue(cycle[0], `a cycle: ${[...cycle, cycle[0]].join(' -> ')}`)] };
  }

  const dead = deadNodes(order, output as string);
  if (dead.length > 0) {
    const names = dead.map((n) => `'${n.id}'`).join(', ');
    issues.push(
      issue(
        dead[0].id,
        `node${dead.length > 1 ? 's' : ''} ${names} do${dead.length > 1 ? '' : 'es'} not feed the output '${output}' (a dead branch)`,
      ),
    );
  }

  const shapes = new Map<string, BlockShape>([[BLOCK_INPUT, { halvings: 0 }]]);
  for (const node of order) {
    const ins = inputsOf(node).map((source) => ({ source, shape: shapes.get(source) as BlockShape }));
    if (node.op === 'add') {
      const first = ins[0].shape;
      if (ins.some((i) => i.shape.halvings !== first.halvings)) {
        const listed = ins.map((i) => `'${i.source}' is ${formatShape(i.shape)}`).join(', ');
        issues.push(issue(node.id, `node '${node.id}' (add): its inputs' shapes disagree: ${listed}`));
      }
    }
    // add over disagreeing shapes is refused above; its first input's shape stands for the rest meanwhile
    shapes.set(node.id, { halvings: ins[0].shape.halvings + halvingsOf(node) });
  }
  const returned = shapes.get(output as string) as BlockShape;
  const wanted = { halvings: OUTPUT_HALVINGS[role] };
  if (returned.halvings !== wanted.halvings) {
    const what = role === 'processing' ? "keep its input's shape" : 'halve its input (the reduction factor 2)';
    issues.push(
      issue(
        output === BLOCK_INPUT ? null : (output as string),
        `the ${role} block returns ${formatShape(returned)} from '${output}'; it must ${what}: ${formatShape(wanted)}`,
      ),
    );
  }
  if (issues.length > 0) return { issues, shapes };
  return { issues, shapes, checked: { output: output as string, order, shapes } };
}

/** Problems of one node read alone, as messages that name it. */
function checkNode(raw: unknown, index: number): string[] {
  if (!isRecord(raw)) return [`nodes[${index}] must be an object { id, op, in }`];
  const problems: string[] = [];
  const id = raw.id;
  const name = typeof id === 'string' ? `node '${id}'` : `nodes[${index}]`;
  if (typeof id !== 'string') problems.push(`${name}: id must be a string`);
  else if (!BLOCK_NODE_ID.test(id))
    problems.push(`${name}: id must match ${BLOCK_NODE_ID.source} (letters, digits, _)`);
  else if (id === BLOCK_INPUT) problems.push(`${name}: 'x' is the block's input and cannot name a node`);
  else if (id.length > 60) problems.push(`${name}: id is longer than 60 characters`);
  if (typeof raw.op !== 'string' || !(BLOCK_OPS as readonly string[]).includes(raw.op)) {
    problems.push(`${name}: unknown op ${JSON.stringify(raw.op)}; ops are ${BLOCK_OPS.join(', ')}`);
    return problems;
  }
  const op = raw.op as BlockOp;
  // conv and batch_norm ids become keys of the framework's nn.ModuleDict, which refuses its own attribute names
  if ((op === 'conv' || op === 'batch_norm') && typeof id === 'string' && isModuleDictAttribute(id)) {
    problems.push(`${name}: '${id}' is an attribute of PyTorch's nn.ModuleDict and cannot name a layer`);
  }
  const rule = OP_ATTRIBUTES[op];
  for (const key of Object.keys(raw)) {
    if (!['id', 'op', 'in', ...rule.attributes].includes(key)) {
      const allowed = rule.attributes.length > 0 ? rule.attributes.join(', ') : 'none';
      problems.push(`${name}: ${op} takes no '${key}' (its attributes: ${allowed})`);
    }
  }
  const ins = raw.in;
  const list = typeof ins === 'string' ? [ins] : ins;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string')) {
    problems.push(`${name}: in must be an input id or a list of them`);
  } else if (rule.inputs === 'one' && list.length !== 1) {
    problems.push(`${name}: ${op} takes one input, not ${list.length}`);
  } else if (rule.inputs === 'several' && list.length < 2) {
    problems.push(`${name}: add takes two or more inputs`);
  }
  if (raw.kernel !== undefined && raw.kernel !== 1 && raw.kernel !== 3) problems.push(`${name}: kernel must be 1 or 3`);
  if (raw.stride !== undefined && raw.stride !== 1 && raw.stride !== 2) problems.push(`${name}: stride must be 1 or 2`);
  if (raw.bias !== undefined && typeof raw.bias !== 'boolean' && raw.bias !== 'framework') {
    problems.push(`${name}: bias must be true, false or "framework"`);
  }
  if (raw.slope !== undefined && !(typeof raw.slope === 'number' && raw.slope >= 0 && raw.slope <= 1)) {
    problems.push(`${name}: slope must be a number from 0 to 1`);
  }
  if (raw.p !== undefined && !(typeof raw.p === 'number' && raw.p >= 0 && raw.p < 1)) {
    problems.push(`${name}: p must be a number from 0 up to (not including) 1`);
  }
  return problems;
}

export function inputsOf(node: BlockNode): string[] {
  return typeof node.in === 'string' ? [node.in] : node.in;
}

function halvingsOf(node: BlockNode): number {
  if (node.op === 'avg_pool' || node.op === 'max_pool') return 1;
  if (node.op === 'conv' && node.stride === 2) return 1;
  return 0;
}

/**
 * The nodes in execution order: at each step the first node in the document whose inputs are computed.
 * Written in order, a block runs as written; the framework's export registers its layers in this order, so
 * parameter order (and with it PyTorch's named_parameters) is the same on both sides. Nodes on a cycle never
 * become ready and are left out.
 */
function executionOrder(nodes: BlockNode[]): BlockNode[] {
  const done = new Set<string>([BLOCK_INPUT]);
  const order: BlockNode[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const node of nodes) {
      if (!done.has(node.id) && inputsOf(node).every((s) => done.has(s))) {
        done.add(node.id);
        order.push(node);
        progressed = true;
        break;
      }
    }
  }
  return order;
}

/** A cycle among the nodes that never became ready, as a list of ids. */
function findCycle(nodes: BlockNode[], ready: Set<string>): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let current = nodes.find((n) => !ready.has(n.id)) as BlockNode;
  const path: string[] = [];
  // Following unready inputs from an unready node must come back to a node already on the path.
  while (!path.includes(current.id)) {
    path.push(current.id);
    const next = inputsOf(current).find((s) => s !== BLOCK_INPUT && !ready.has(s)) as string;
    current = byId.get(next) as BlockNode;
  }
  return path.slice(path.indexOf(current.id));
}

/** Nodes from which the output cannot be reached: computed, then thrown away. */
function deadNodes(order: BlockNode[], output: string): BlockNode[] {
  const live = new Set<string>([output]);
  for (const node of [...order].reverse()) {
    if (live.has(node.id)) for (const s of inputsOf(node)) live.add(s);
  }
  return order.filter((n) => !live.has(n.id));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The checked graph of a block known to be sound (a preset, or one stored after checkBlock passed). */
export function checkedGraphs(block: BlockDocument): Record<BlockGraphRole, CheckedGraph> {
  const known = checked.get(block);
  if (known) return known;
  const result = checkBlock(block);
  if (!result.ok) {
    const at = result.issues[0];
    throw new Error(`invalid block: ${at.graph ?? 'block'}: ${at.message}`);
  }
  checked.set(block, result.graphs);
  return result.graphs;
}

/**
 * Each document is checked once: describeNetwork runs for every queued run's estimate, and a preset is always
 * the same object (a run's resolved block, the same object for the life of its config).
 */
const checked = new WeakMap<BlockDocument, Record<BlockGraphRole, CheckedGraph>>();
