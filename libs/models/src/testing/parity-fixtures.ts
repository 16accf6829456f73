import { existsSync } from 'node:fs';
import path from 'node:path';
import { readManifestAt, type FixtureManifest } from '../fixture-manifest';

/** The shared PyTorch parity fixtures (shared/fixtures/pytorch-parity), beside the checkout or inside it. */
export function parityFixturesDir(): string {
  const candidates = [
    path.resolve(__dirname, '../../../../../shared/fixtures/pytorch-parity'),
    path.resolve(__dirname, '../../../../shared/fixtures/pytorch-parity'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`PyTorch parity fixtures not found in ${candidates.join(' or ')}`);
  return found;
}

/** A shared fixture's manifest, by its folder name. */
export function readManifest(fixture: string): FixtureManifest {
  return readManifestAt(path.join(parityFixturesDir(), fixture));
}
