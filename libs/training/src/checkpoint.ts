import type { RandomState } from '@gradlab/models';

/**
 * A portable checkpoint: the bytes "GLCK", a uint32 format version, a uint32 header length, a UTF-8 JSON
 * header, then every tensor as little-endian float32 in header order. Readable from any language.
 */
const MAGIC = 'GLCK';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface CheckpointMeta {
  kind: 'latest' | 'best';
  runId: string;
  /** The last completed epoch. */
  epoch: number;
  /** Generator state after that epoch: shuffling and augmentation continue from here. */
  random: RandomState;
  adamStep: number;
  best: { epoch: number; valAccuracy: number } | null;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  tensors: CheckpointTensor[];
}

export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      ...checkpoint.meta,
      tensors: checkpoint.tensors.map((t) => ({ name: t.name, shape: t.shape, length: t.data.length })),
    }),
    'utf8',
  );
  const floats = checkpoint.tensors.reduce((n, t) => n + t.data.length, 0);
  const out = Buffer.alloc(12 + header.length + floats * 4);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(CHECKPOINT_VERSION, 4);
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  let offset = 12 + header.length;
  for (const t of checkpoint.tensors) {
    for (let i = 0; i < t.data.length; i++, offset += 4) out.writeFloatLE(t.data[i], offset);
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buffer.length < 12 || buffer.toString('ascii', 0, 4) !== MAGIC)
    throw new Error(`${source}: not a gradlab checkpoint`);
  const version = buffer.readUInt32LE(4);
  if (version !== CHECKPOINT_VERSION)
    throw new Error(`${source}: checkpoint format ${version}, this version reads ${CHECKPOINT_VERSION}`);
  const headerLength = buffer.readUInt32LE(8);
  if (12 + headerLength > buffer.length) throw new Error(`${source}: truncated header`);
  const header = JSON.parse(buffer.toString('utf8', 12, 12 + headerLength)) as CheckpointMeta & {
    tensors: { name: string; shape: number[]; length: number }[];
  };
  let offset = 12 + headerLength;
  const tensors = header.tensors.map((t) => {
    if (offset + t.length * 4 > buffer.length) throw new Error(`${source}: truncated at tensor ${t.name}`);
    const data = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++, offset += 4) data[i] = buffer.readFloatLE(offset);
    return { name: t.name, shape: t.shape, data };
  });
  if (offset !== buffer.length) throw new Error(`${source}: ${buffer.length - offset} bytes after the last tensor`);
  const { tensors: _, ...meta } = header;
  return { meta, tensors };
}
