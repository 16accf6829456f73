export * from './network-spec';
export * from './network-cost';
export * from './seeded-random';
export * from './torch-layout';
export * from './fixture-manifest';
