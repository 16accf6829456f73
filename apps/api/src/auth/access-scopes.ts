import type { Principal } from './principal';

/** Rows of the caller's team, unless the caller is an admin: a Prisma `where` on the team's id column. */
export function teamScope(principal: Principal, column: 'id' | 'teamId'): Record<string, string> {
  return principal.role === 'admin' ? {} : { [column]: principal.teamId };
}

/** The keys the caller may see and revoke: an admin all, staff their team's, anyone else their own. */
export function keyScope(principal: Principal) {
  if (principal.role === 'admin') return {};
  if (principal.role === 'staff') return { user: { teamId: principal.teamId } };
  return { userId: principal.userId };
}
