import * as contracts from '@gradlab/contracts';
import { createZodDto } from 'nestjs-zod';

/*
 * The contracts as Nest DTOs (nestjs-zod): one class per schema gives a handler's parameter or answer its type,
 * ContractValidationPipe the validator, and the OpenAPI document the contract it stands for (openapi-document.ts).
 * A request's `what` names it in a 400's message ("invalid run: config.depth: ...").
 */

// Requests, as clients send them.
export class CreateRunRequest extends createZodDto(contracts.CreateRunRequestSchema) {
  static readonly what = 'run';
}
export class EstimateRequest extends createZodDto(contracts.EstimateRequestSchema) {
  static readonly what = 'estimate';
}
export class ListRunsQuery extends createZodDto(contracts.ListRunsQuerySchema) {}
export class RunsTableQuery extends createZodDto(contracts.RunsTableQuerySchema) {}
export class CreateGroupRequest extends createZodDto(contracts.CreateGroupRequestSchema) {
  static readonly what = 'group';
}
export class GroupAggregateQuery extends createZodDto(contracts.GroupAggregateQuerySchema) {}
export class FigureQuery extends createZodDto(contracts.FigureQuerySchema) {}
export class ReportPackQuery extends createZodDto(contracts.ReportPackQuerySchema) {}
export class ImportFields extends createZodDto(contracts.ImportFieldsSchema) {
  static readonly what = 'import';
}
export class CreateBlockRequest extends createZodDto(contracts.CreateBlockRequestSchema) {
  static readonly what = 'block';
}
export class CheckBlockRequest extends createZodDto(contracts.CheckBlockRequestSchema) {
  static readonly what = 'check';
}
export class LoginRequest extends createZodDto(contracts.LoginRequestSchema) {
  static readonly what = 'login';
}
export class CreateApiKeyRequest extends createZodDto(contracts.CreateApiKeyRequestSchema) {
  static readonly what = 'key';
}
export class CreateUserRequest extends createZodDto(contracts.CreateUserRequestSchema) {
  static readonly what = 'user';
}
export class CreateTeamRequest extends createZodDto(contracts.CreateTeamRequestSchema) {
  static readonly what = 'team';
}
export class TeamShareRequest extends createZodDto(contracts.TeamShareRequestSchema) {
  static readonly what = 'share';
}

// Answers, as the api gives them.
export class ErrorDto extends createZodDto(contracts.ErrorDtoSchema) {}
export class RunDto extends createZodDto(contracts.RunDtoSchema) {}
export class RunPageDto extends createZodDto(contracts.RunPageDtoSchema) {}
export class EpochDto extends createZodDto(contracts.EpochDtoSchema) {}
export class GradientFlowDto extends createZodDto(contracts.GradientFlowDtoSchema) {}
export class QueuePositionDto extends createZodDto(contracts.QueuePositionDtoSchema) {}
export class DurationEstimateDto extends createZodDto(contracts.DurationEstimateDtoSchema) {}
export class DiagnosisDto extends createZodDto(contracts.DiagnosisDtoSchema) {}
export class GroupDto extends createZodDto(contracts.GroupDtoSchema) {}
export class GroupListDto extends createZodDto(contracts.GroupListDtoSchema) {}
export class AggregateDto extends createZodDto(contracts.AggregateDtoSchema) {}
export class CohortDto extends createZodDto(contracts.CohortDtoSchema) {}
export class BlockDto extends createZodDto(contracts.BlockDtoSchema) {}
export class BlockCheckDto extends createZodDto(contracts.BlockCheckDtoSchema) {}
export class HealthDto extends createZodDto(contracts.HealthDtoSchema) {}
export class WorkersDto extends createZodDto(contracts.WorkersDtoSchema) {}
export class QuotaDto extends createZodDto(contracts.QuotaDtoSchema) {}
export class TeamsQuotaDto extends createZodDto(contracts.TeamsQuotaDtoSchema) {}
export class SessionDto extends createZodDto(contracts.SessionDtoSchema) {}
export class SignedInUserDto extends createZodDto(contracts.SignedInUserDtoSchema) {}
export class ApiKeyDto extends createZodDto(contracts.ApiKeyDtoSchema) {}
export class CreatedApiKeyDto extends createZodDto(contracts.CreatedApiKeyDtoSchema) {}
export class UserDto extends createZodDto(contracts.UserDtoSchema) {}
export class TeamDto extends createZodDto(contracts.TeamDtoSchema) {}
