import { readFileSync } from 'node:fs';
import path from 'node:path';

/** manifest.json of a PyTorch parity fixture (shared/fixtures/pytorch-parity/README.md has the format). */
export interface FixtureManifest {
  config: { numFilters: number; numStages: number; numBlocksPerStage: number; blockType: string };
  counts: { parameters: number; convLayers: number; linearLayers: number };
  params: { name: string; shape: number[]; offset: number; length: number; kind: string; fanIn: number | null }[];
}

/** The manifest of the fixture in this folder. */
export function readManifestAt(dir: string): FixtureManifest {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
}

/** The four model fields of a fixture's config (the manifest also records constants such as the BN eps). */
export function pickModelConfig(c: FixtureManifest['config']) {
  return {
    numFilters: c.numFilters,
    numStages: c.numStages,
    numBlocksPerStage: c.numBlocksPerStage,
    blockType: c.blockType,
  };
}
