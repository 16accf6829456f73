/** What the editor opens with: a pre-activation residual block (examples/blocks/preact_residual.json) to edit. */
export const BLOCK_TEMPLATE = `{
  "format": "gradlab.block/1",
  "processing": {
    "output": "s",
    "nodes": [
      {"id": "bn_0", "op": "batch_norm", "in": "x"},
      {"id": "a0", "op": "leaky_relu", "in": "bn_0"},
      {"id": "conv_0", "op": "conv", "in": "a0"},
      {"id": "bn_1", "op": "batch_norm", "in": "conv_0"},
      {"id": "a1", "op": "leaky_relu", "in": "bn_1"},
      {"id": "conv_1", "op": "conv", "in": "a1"},
      {"id": "s", "op": "add", "in": ["conv_1", "x"]}
    ]
  },
  "reduction": {
    "output": "s",
    "nodes": [
      {"id": "bn_0", "op": "batch_norm", "in": "x"},
      {"id": "a0", "op": "leaky_relu", "in": "bn_0"},
      {"id": "conv_0", "op": "conv", "in": "a0"},
      {"id": "pool", "op": "avg_pool", "in": "conv_0"},
      {"id": "bn_1", "op": "batch_norm", "in": "pool"},
      {"id": "a1", "op": "leaky_relu", "in": "bn_1"},
      {"id": "conv_1", "op": "conv", "in": "a1"},
      {"id": "shortcut", "op": "avg_pool", "in": "x"},
      {"id": "s", "op": "add", "in": ["conv_1", "shortcut"]}
    ]
  }
}
`;
