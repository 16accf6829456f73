export * from './network-spec';
export * from './network-cost';
export * from './seeded-random';
export * from './torch-layout';
export * from './fixture-manifest';
export * from './blocks/check-block';
export * from './blocks/presets';
export * from './blocks/pytorch-export';
