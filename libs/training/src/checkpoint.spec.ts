import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';

describe('checkpoint format', () => {
  const checkpoint = {
    meta: {
      kind: 'latest' as const,
      runId: 'r',
      epoch: 3,
      random: [1, 2, 3, 4] as [number, number, number, number],
      adamStep: 120,
      best: { epoch: 2, valAccuracy: 0.25 },
    },
    tensors: [
      { name: 'param:a', shape: [2, 2], data: Float32Array.from([1, -2, 3.5, 1e-20]) },
      { name: 'adam.v:a', shape: [1], data: Float32Array.from([7]) },
    ],
  };

  it('round-trips metadata and tensors exactly', () => {
    expect(decodeCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
  });

  it('names what is wrong with a damaged file', () => {
    const bytes = encodeCheckpoint(checkpoint);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 2), 'ckpt')).toThrow(
      'ckpt: truncated at tensor adam.v:a',
    );
    expect(() => decodeCheckpoint(Buffer.from('not a checkpoint'), 'ckpt')).toThrow('ckpt: not a gradlab checkpoint');
    const future = Buffer.from(bytes);
    future.writeUInt32LE(99, 4);
    expect(() => decodeCheckpoint(future, 'ckpt')).toThrow('ckpt: checkpoint format 99');
  });
});
