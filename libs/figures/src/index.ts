export * from './palette';
export * from './labels';
export * from './gradient-statistic';
export * from './learning-curves.figure';
export * from './gradient-flow.figure';
export * from './gradient-heatmap.figure';
export * from './layout';
export * from './run-tables';
