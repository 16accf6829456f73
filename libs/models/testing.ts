// Test support: the shared PyTorch parity fixtures beside the checkout. Tests and benchmarks only.
export * from './src/testing/parity-fixtures';
