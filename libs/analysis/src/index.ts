export * from './statistics';
export * from './aggregate';
export * from './diagnosis';
