export * from './experiment-config';
export * from './validation';
export * from './queues';
export * from './run-events';
export * from './runs';
export * from './socket-events';
export * from './redis-connection';
export * from './auth';
