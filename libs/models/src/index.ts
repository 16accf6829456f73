export * from './network-spec';
export * from './network';
export * from './seeded-random';
export * from './torch-layout';
export * from './parity-fixtures';
