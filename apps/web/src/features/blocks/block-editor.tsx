'use client';

import type { BlockDocument } from '@gradlab/contracts';
import { useRef, useState } from 'react';
import { BlockGraph } from './block-graph';
import { nodeInText } from './node-in-text';
import { useAddBlock, useBlockCheck } from './use-blocks';
import { BLOCK_TEMPLATE } from './block-template';

/** Write a block as JSON: checked by the api as you type, drawn, errors placed at their nodes; then add it. */
export function BlockEditor({ onAdded }: { onAdded: (id: string) => void }) {
  const [text, setText] = useState(BLOCK_TEMPLATE);
  const [name, setName] = useState('my_block');
  const editor = useRef<HTMLTextAreaElement>(null);
  const { parsed, check, error } = useBlockCheck(text);
  const add = useAddBlock();
  const showNode = (graph: string | null, node: string) => {
    const range = nodeInText(text, graph, node);
    if (!range || !editor.current) return;
    editor.current.focus();
    editor.current.setSelectionRange(range.start, range.end);
  };
  const submit = () =>
    parsed.ok && add.mutate({ name, block: parsed.value }, { onSuccess: (block) => onAdded(block.id) });
  const addError = add.error as (Error & { fieldErrors?: { field: string; message: string }[] }) | null;
  return (
    <div className="card" data-testid="block-editor">
      <h2>Write a block</h2>
      <p className="muted">
        gradlab.block/1: a processing graph that keeps its input&apos;s shape and a reduction graph that halves it. Ops:
        conv (kernel 3 or 1, stride 1 or 2, bias), batch_norm, leaky_relu (slope), relu, tanh, avg_pool, max_pool, add,
        dropout (p). The ids of conv and batch_norm nodes name the layers (layer_dict.block_0_0.layer_dict.conv_0).
      </p>
      <div className="row">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="block-name" />
        </label>
        <button type="button" onClick={submit} disabled={!check?.ok || add.isPending} data-testid="add-block">
          Add to the team&apos;s blocks
        </button>
      </div>
      {addError && (
        <p className="error" role="alert">
          {addError.fieldErrors?.map((e) => `${e.field}: ${e.message}`).join('; ') || addError.message}
        </p>
      )}
      <div className="block-workbench">
        <textarea
          ref={editor}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          rows={30}
          aria-label="Block JSON"
          data-testid="block-json"
        />
        <div>
          {!parsed.ok && <p className="error">{parsed.message}</p>}
          {error && <p className="error">Could not check the block: {error.message}</p>}
          <BlockIssues check={check} onShow={showNode} />
          {parsed.ok && <BlockGraph block={parsed.value as BlockDocument} check={check} />}
        </div>
      </div>
    </div>
  );
}

function BlockIssues({
  check,
  onShow,
}: {
  check: ReturnType<typeof useBlockCheck>['check'];
  onShow: (graph: string | null, node: string) => void;
}) {
  if (!check) return null;
  if (check.ok)
    return (
      <p className="ok" data-testid="block-sound">
        Sound. Parameters: {check.parameterCounts?.VGG_08.toLocaleString()} at VGG_08,{' '}
        {check.parameterCounts?.VGG_38.toLocaleString()} at VGG_38.
      </p>
    );
  return (
    <ul className="error-list" data-testid="block-errors">
      {check.errors.map((e, i) => (
        <li key={i}>
          {e.graph ?? 'block'}
          {e.node ? (
            <>
              {' · '}
              <button type="button" className="link" onClick={() => onShow(e.graph, e.node as string)}>
                {e.node}
              </button>
            </>
          ) : null}
          : {e.message}
        </li>
      ))}
    </ul>
  );
}
