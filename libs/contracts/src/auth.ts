import { z } from 'zod';
import { text } from './validation';

/**
 * admin: everything, in every team (teams, people and keys anywhere); staff: the workers and queue, and the
 * people and keys of their own team; student: their own runs and keys. Everyone sees their own team's runs.
 */
export const ROLES = ['admin', 'staff', 'student'] as const;
export type Role = (typeof ROLES)[number];

/** Staff rights: admins have them too. */
export const isStaffRole = (role: Role) => role === 'staff' || role === 'admin';

/** Name of the dashboard's httpOnly session cookie. */
export const SESSION_COOKIE = 'gradlab_session';
/** API keys start with this, so a leaked one is recognisable (and greppable). */
export const API_KEY_PREFIX = 'glk_';

const email = text().trim().toLowerCase().email().max(320);
const password = z.string().min(10, 'must be at least 10 characters').max(200);

export const LoginRequestSchema = z.strictObject({ email, password: z.string().min(1).max(200) });
export type LoginRequest = z.input<typeof LoginRequestSchema>;
export type ParsedLoginRequest = z.output<typeof LoginRequestSchema>;

export const CreateTeamRequestSchema = z.strictObject({ name: text().trim().min(1).max(100) });
export type ParsedCreateTeamRequest = z.output<typeof CreateTeamRequestSchema>;

export const CreateUserRequestSchema = z.strictObject({
  email,
  password: password.optional().describe('omit for a user who signs in with API keys only'),
  role: z.enum(ROLES).default('student'),
  team: z.string().trim().min(1).max(100).describe("the team's name; it must exist"),
});
export type CreateUserRequest = z.input<typeof CreateUserRequestSchema>;
export type ParsedCreateUserRequest = z.output<typeof CreateUserRequestSchema>;

export const CreateApiKeyRequestSchema = z.strictObject({
  name: text().trim().min(1).max(100),
  userId: z.string().uuid().optional().describe('staff only: a key for another user; default: yourself'),
});
export type ParsedCreateApiKeyRequest = z.output<typeof CreateApiKeyRequestSchema>;

const isoDate = z.string().describe('ISO 8601 timestamp');

export const TeamDtoSchema = z.object({ id: z.string().uuid(), name: z.string(), createdAt: isoDate });
export type TeamDto = z.infer<typeof TeamDtoSchema>;

export const UserDtoSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  role: z.enum(ROLES),
  team: TeamDtoSchema.pick({ id: true, name: true }),
  createdAt: isoDate,
});
export type UserDto = z.infer<typeof UserDtoSchema>;

/** Who is signed in (or calling with a key): sign-in, `/auth/session` and `/auth/me` answer this. */
export const SignedInUserDtoSchema = UserDtoSchema.omit({ createdAt: true });
export type SignedInUserDto = z.infer<typeof SignedInUserDtoSchema>;
/** `GET /api/auth/session`: who is signed in, null for no one (never a 401). */
export const SessionDtoSchema = z.object({ user: SignedInUserDtoSchema.nullable() });
export type SessionDto = z.infer<typeof SessionDtoSchema>;

export const ApiKeyDtoSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  prefix: z.string().describe("the key's first characters"),
  userId: z.string().uuid(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
});
export type ApiKeyDto = z.infer<typeof ApiKeyDtoSchema>;

export const CreatedApiKeyDtoSchema = ApiKeyDtoSchema.extend({
  key: z.string().describe('shown this once; only its hash is stored'),
});
export type CreatedApiKeyDto = z.infer<typeof CreatedApiKeyDtoSchema>;
