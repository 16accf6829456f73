import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import type { PrismaService } from '../prisma/prisma.service';

/**
 * The one team-scoped run lookup (REST, GraphQL, socket.io rooms): another team's run is answered exactly
 * like a run that does not exist, NOT_FOUND.
 */
export async function findTeamRun(prisma: Pick<PrismaService, 'run'>, principal: { teamId: string }, id: string) {
  const run = isUuid(id) ? await prisma.run.findFirst({ where: { id, teamId: principal.teamId } }) : null;
  if (!run) throw new DomainError('NOT_FOUND', `run ${id} not found`);
  return run;
}
