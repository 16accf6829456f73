'use client';

import type { BlockCheckDto, BlockDocument, BlockGraphRole } from '@gradlab/contracts';
import { layoutBlockGraph, NODE_HEIGHT, NODE_WIDTH } from './block-graph-layout';

interface BlockGraphProps {
  block: BlockDocument;
  /** The api's check: each node's inferred shape, and the issues to place at their nodes. */
  check?: Pick<BlockCheckDto, 'shapes' | 'errors'>;
}

/** Both graphs of a block, drawn: nodes with their op and inferred shape, edges, issues at their nodes. */
export function BlockGraph({ block, check }: BlockGraphProps) {
  return (
    <div className="block-graphs">
      {(['processing', 'reduction'] as const).map((role) =>
        isGraph(block[role]) ? <GraphDrawing key={role} role={role} block={block} check={check} /> : null,
      )}
    </div>
  );
}

function GraphDrawing({ role, block, check }: BlockGraphProps & { role: BlockGraphRole }) {
  const graph = block[role];
  const { nodes, edges, width, height } = layoutBlockGraph(graph);
  const at = new Map(nodes.map((n) => [n.id, n]));
  const faults = new Map(
    (check?.errors ?? []).filter((e) => e.graph === role && e.node).map((e) => [e.node, e.message]),
  );
  const outputAt = at.get(graph.output);
  return (
    <figure className="block-graph" data-testid={`block-graph-${role}`}>
      <figcaption>{role} block</figcaption>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${role} block graph`}
      >
        <defs>
          <marker
            id={`arrow-${role}`}
            viewBox="0 0 8 8"
            refX="8"
            refY="4"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L8,4 L0,8 z" fill="#555" />
          </marker>
        </defs>
        {edges.map((e) => {
          const from = at.get(e.from);
          const to = at.get(e.to);
          if (!from || !to) return null;
          const [x1, y1, x2, y2] = [from.x + NODE_WIDTH / 2, from.y + NODE_HEIGHT, to.x + NODE_WIDTH / 2, to.y];
          const bend = e.skips ? NODE_WIDTH * 0.75 : 0; // a shortcut curves out beside the rows it skips
          const path = `M${x1},${y1} C${x1 + bend},${y1 + 30} ${x2 + bend},${y2 - 30} ${x2},${y2}`;
          return (
            <path key={`${e.from}-${e.to}`} d={path} fill="none" stroke="#555" markerEnd={`url(#arrow-${role})`} />
          );
        })}
        {nodes.map((n) => {
          const fault = faults.get(n.id);
          const shape = check?.shapes[role]?.[n.id];
          return (
            <g key={n.id} data-node={n.id} className={fault ? 'node fault' : 'node'}>
              <title>{fault ?? `${n.label}${shape ? ` ${shape}` : ''}`}</title>
              <rect
                x={n.x}
                y={n.y}
                width={NODE_WIDTH}
                height={NODE_HEIGHT}
                rx="5"
                strokeWidth={n === outputAt ? 2.5 : 1}
              />
              <text x={n.x + NODE_WIDTH / 2} y={n.y + 15} textAnchor="middle" fontSize="12">
                {n.label}
              </text>
              <text x={n.x + NODE_WIDTH / 2} y={n.y + 30} textAnchor="middle" fontSize="11" className="shape">
                {fault ? '⚠ see the error' : (shape ?? '')}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function isGraph(value: unknown): value is BlockDocument['processing'] {
  return typeof value === 'object' && value !== null && Array.isArray((value as { nodes?: unknown }).nodes);
}
