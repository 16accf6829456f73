export { answerOf, createApiClient, type ApiClientOptions, type GradlabApi } from './api-client';
export { ApiError, ApiUnreachableError } from './api-errors';
export type { components, paths } from './generated/openapi';
