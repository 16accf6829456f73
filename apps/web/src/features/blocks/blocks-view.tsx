'use client';

import { useState } from 'react';
import { LocalTime } from '../../components/local-time';
import { BlockDetails } from './block-details';
import { BlockEditor } from './block-editor';
import { useBlocks } from './use-blocks';

/** The Blocks page: the team's own blocks, one of them in detail, and the editor to write a new one. */
export function BlocksView() {
  const blocks = useBlocks();
  const [selection, setSelection] = useState<string | null>(null);
  const selected = blocks.data?.find((b) => b.id === selection);
  return (
    <section>
      <h1>Blocks</h1>
      <p className="muted">
        Your team&apos;s own blocks for the coursework&apos;s Task 3: write one, check it, train it from New run, and
        hand in its Python.
      </p>
      {blocks.error && <p className="error">Could not load the blocks: {blocks.error.message}</p>}
      {blocks.data && blocks.data.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="blocks-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Processing block</th>
                <th>VGG_38 parameters</th>
                <th>Runs</th>
                <th>Added</th>
              </tr>
            </thead>
            <tbody>
              {blocks.data.map((b) => (
                <tr key={b.id} className={b.id === selected?.id ? 'selected' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => setSelection(b.id)}>
                      {b.name}
                    </button>
                  </td>
                  <td>{b.order.processing}</td>
                  <td>{b.parameterCounts.VGG_38.toLocaleString()}</td>
                  <td>{b.runCount}</td>
                  <td>
                    <LocalTime iso={b.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <BlockDetails key={selected.id} block={selected} />}
      <BlockEditor onAdded={setSelection} />
    </section>
  );
}
