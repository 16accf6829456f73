import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UNSTORED_BLOCK_ID } from '@gradlab/contracts';

/** manifest.json of a PyTorch parity fixture (shared/fixtures/pytorch-parity/README.md has the format). */
export interface FixtureManifest {
  /** `block` (a gradlab.block/1 document, named by `blockName`) in place of `blockType`: a student's block. */
  config: {
    numFilters: number;
    numStages: number;
    numBlocksPerStage: number;
    blockType?: string;
    block?: unknown;
    blockName?: string;
  };
  counts: { parameters: number; convLayers: number; linearLayers: number };
  params: { name: string; shape: number[]; offset: number; length: number; kind: string; fanIn: number | null }[];
}

/** The manifest of the fixture in this folder. */
export function readManifestAt(dir: string): FixtureManifest {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
}

/**
 * The model fields of a fixture's config (the manifest also records constants such as the BN eps): the block
 * type, or the block graph it was made from, as a run's config holds a resolved block.
 */
export function pickModelConfig(c: FixtureManifest['config']) {
  const shape = { numFilters: c.numFilters, numStages: c.numStages, numBlocksPerStage: c.numBlocksPerStage };
  if (c.block === undefined) return { ...shape, blockType: c.blockType };
  return { ...shape, block: { id: UNSTORED_BLOCK_ID, name: c.blockName ?? 'fixture', graph: c.block } };
}
