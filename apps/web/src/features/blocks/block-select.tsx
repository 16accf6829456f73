'use client';

import { BLOCK_TYPE_ORDERS, BLOCK_TYPES, type BlockType } from '@gradlab/contracts';
import { BLOCK_TYPE_LABELS } from '@gradlab/figures';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { TEAM_BLOCK_PREFIX } from '../../lib/new-run-fields';
import { useBlocks } from './use-blocks';

/**
 * The New run form's Block menu: the block types (a team's block stands in for `custom`) and the team's own
 * blocks, with the chosen one's order in words beneath.
 */
export function BlockSelect({ field, value }: { field: UseFormRegisterReturn; value: string | undefined }) {
  const blocks = useBlocks();
  const own = blocks.data?.find((b) => TEAM_BLOCK_PREFIX + b.id === value);
  const order = own?.order ?? BLOCK_TYPE_ORDERS[(value || 'conv_block') as BlockType];
  return (
    <>
      <select {...field} data-testid="block-select">
        <optgroup label="Block types">
          {BLOCK_TYPES.filter((t) => t !== 'custom').map((t) => (
            <option key={t} value={t}>
              {BLOCK_TYPE_LABELS[t]} ({t})
            </option>
          ))}
        </optgroup>
        {blocks.data && blocks.data.length > 0 && (
          <optgroup label="Your team's blocks">
            {blocks.data.map((b) => (
              <option key={b.id} value={TEAM_BLOCK_PREFIX + b.id}>
                {b.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {order && (
        <span className="muted" data-testid="block-order">
          processing: {order.processing}; reduction: {order.reduction}
        </span>
      )}
    </>
  );
}
