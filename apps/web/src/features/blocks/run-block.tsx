'use client';

import { BLOCK_TYPE_ORDERS, type ExperimentConfig } from '@gradlab/contracts';
import { BlockGraph } from './block-graph';
import { useBlockCheck } from './use-blocks';

/** The run's block: a team's block drawn from the graph the run kept; a block type in words. */
export function RunBlock({ model }: { model: ExperimentConfig['model'] }) {
  const block = typeof model.block === 'object' ? model.block : null;
  const { check } = useBlockCheck(block ? JSON.stringify(block.graph) : 'null');
  const order = block ? check?.order : BLOCK_TYPE_ORDERS[model.blockType];
  return (
    <div className="card" data-testid="run-block">
      <h2>Block: {block ? block.name : model.blockType}</h2>
      {order && (
        <dl className="facts">
          <dt>Processing block</dt>
          <dd>{order.processing}</dd>
          <dt>Reduction block</dt>
          <dd>{order.reduction}</dd>
        </dl>
      )}
      {block && <BlockGraph block={block.graph} check={check} />}
    </div>
  );
}
