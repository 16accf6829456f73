import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The shared PyTorch parity fixtures (shared/fixtures/pytorch-parity), beside the checkout or inside it. */
export function parityFixturesDir(): string {
  const candidates = [
    path.resolve(__dirname, '../../../../shared/fixtures/pytorch-parity'),
    path.resolve(__dirname, '../../../shared/fixtures/pytorch-parity'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`PyTorch parity fixtures not found in ${candidates.join(' or ')}`);
  return found;
}

export interface FixtureManifest {
  config: { numFilters: number; numStages: number; numBlocksPerStage: number; blockType: string };
  counts: { parameters: number; convLayers: number; linearLayers: number };
  params: { name: string; shape: number[]; offset: number; length: number; kind: string; fanIn: number | null }[];
}

/** A fixture's manifest, by folder name under the shared fixtures or by path. */
export function readManifest(fixture: string): FixtureManifest {
  const dir = path.isAbsolute(fixture) ? fixture : path.join(parityFixturesDir(), fixture);
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
}

/** The four model fields of a fixture's config (the manifest also records constants such as the BN eps). */
export function pickModelConfig(c: FixtureManifest['config']) {
  return { numFilters: c.numFilters, numStages: c.numStages, numBlocksPerStage: c.numBlocksPerStage, blockType: c.blockType };
}
