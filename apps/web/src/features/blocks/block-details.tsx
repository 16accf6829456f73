'use client';

import type { BlockDto } from '@gradlab/contracts';
import { useState } from 'react';
import { BlockGraph } from './block-graph';
import { BlockTrial } from './block-trial';
import { useBlockCheck, useBlockExport, useDeleteBlock } from './use-blocks';

/** One block of the team: what it is in words, its parameters, its drawing, its Python, its test. */
export function BlockDetails({ block }: { block: BlockDto }) {
  // the api's check of the stored document gives each node's shape for the drawing
  const { check } = useBlockCheck(JSON.stringify(block.block));
  const remove = useDeleteBlock();
  return (
    <div className="card" data-testid="block-details">
      <h2>{block.name}</h2>
      <dl className="facts">
        <dt>Processing block</dt>
        <dd>{block.order.processing}</dd>
        <dt>Reduction block</dt>
        <dd>{block.order.reduction}</dd>
        <dt>Parameters</dt>
        <dd>
          {block.parameterCounts.VGG_08.toLocaleString()} at VGG_08, {block.parameterCounts.VGG_38.toLocaleString()} at
          VGG_38 (32 filters)
        </dd>
        <dt>Runs</dt>
        <dd>
          {block.runCount} (a block never changes; a new version is a new block)
          {block.runCount === 0 && (
            <button type="button" className="link" onClick={() => remove.mutate(block.id)}>
              delete
            </button>
          )}
        </dd>
      </dl>
      {remove.error && <p className="error">Could not delete the block: {remove.error.message}</p>}
      <BlockGraph block={block.block} check={check} />
      <BlockTrial block={block} />
      <BlockExport block={block} />
    </div>
  );
}

function BlockExport({ block }: { block: BlockDto }) {
  const code = useBlockExport(block.id);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code.data ?? '');
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard (an insecure origin): the code stays selectable
    }
  };
  return (
    <div>
      <h3>For the course framework</h3>
      <p className="muted">
        Paste the classes into model_architectures.py, add the clause to train_evaluate.py, and train with --block_type{' '}
        {block.name}. Run the file with python3 to test that the blocks fprop.
      </p>
      <button type="button" onClick={copy} disabled={!code.data}>
        {copied ? 'Copied' : 'Copy the code'}
      </button>
      {code.error && <p className="error">Could not export the block: {code.error.message}</p>}
      <pre className="code" data-testid="block-pytorch">
        {code.data ?? 'Exporting…'}
      </pre>
    </div>
  );
}
