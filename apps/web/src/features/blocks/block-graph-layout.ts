import type { BlockGraph } from '@gradlab/contracts';

export interface LaidNode {
  id: string;
  label: string;
  x: number;
  y: number;
}
export interface LaidEdge {
  from: string;
  to: string;
  /** Skips at least one row: drawn as a curve beside the boxes (a shortcut). */
  skips: boolean;
}

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 38;
const COLUMN = NODE_WIDTH + 24;
const ROW = NODE_HEIGHT + 26;

const inputs = (node: BlockGraph['nodes'][number]) => (typeof node.in === 'string' ? [node.in] : node.in);

/**
 * A block graph laid out top to bottom: `x` on the first row, each node one row below its lowest input, nodes of
 * a row side by side in the order written. Inputs that name nothing (a graph being typed) are left out; a node
 * on a cycle is placed below the rows, so a broken graph still draws.
 */
export function layoutBlockGraph(graph: BlockGraph): {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
} {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const row = new Map<string, number>([['x', 0]]);
  for (let pass = 0; pass < graph.nodes.length; pass++) {
    for (const node of graph.nodes) {
      const known = inputs(node).filter((s) => row.has(s));
      if (known.length === inputs(node).filter((s) => s === 'x' || ids.has(s)).length)
        row.set(node.id, 1 + Math.max(0, ...known.map((s) => row.get(s) as number)));
    }
  }
  const deepest = Math.max(0, ...row.values());
  for (const node of graph.nodes) if (!row.has(node.id)) row.set(node.id, deepest + 1);
  const rows = new Map<number, string[]>();
  for (const id of ['x', ...graph.nodes.map((n) => n.id)]) {
    const r = row.get(id) as number;
    rows.set(r, [...(rows.get(r) ?? []), id]);
  }
  const width = Math.max(...[...rows.values()].map((ids) => ids.length)) * COLUMN + 40;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes: LaidNode[] = [...rows.entries()].flatMap(([r, ids]) =>
    ids.map((id, i) => ({
      id,
      label: id === 'x' ? 'x (input)' : `${id} · ${byId.get(id)?.op ?? '?'}`,
      x: 20 + i * COLUMN + (width - 40 - ids.length * COLUMN) / 2,
      y: 10 + r * ROW,
    })),
  );
  const edges = graph.nodes.flatMap((node) =>
    inputs(node)
      .filter((s) => row.has(s))
      .map((from) => ({ from, to: node.id, skips: (row.get(node.id) as number) - (row.get(from) as number) > 1 })),
  );
  return { nodes, edges, width, height: 20 + (Math.max(...row.values()) + 1) * ROW };
}
