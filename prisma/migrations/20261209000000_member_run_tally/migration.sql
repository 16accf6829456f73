-- The staff cohort page at a course's scale (100,000 runs: bench:load's Scale phase). Counting every run of
-- the team on each read took 79 ms (p95); the page now reads one row per team member, kept by
-- refresh_member_run_tally below. RunRepository calls it in the transaction of each write that changes what
-- the tally counts, so the tally never differs from a recount of the committed runs.
CREATE TABLE "MemberRunTally" (
    "teamId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "total" INTEGER NOT NULL,
    "byStatus" JSONB NOT NULL,
    "byFinding" JSONB NOT NULL,
    "healthyRuns" INTEGER NOT NULL,
    "settledWorkerMs" DOUBLE PRECISION NOT NULL,
    "lastRunAt" TIMESTAMP(3),

    CONSTRAINT "MemberRunTally_pkey" PRIMARY KEY ("teamId", "userId")
);
ALTER TABLE "MemberRunTally" ADD CONSTRAINT "MemberRunTally_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "MemberRunTally" ADD CONSTRAINT "MemberRunTally_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A member's runs in their team: what a refresh recounts.
CREATE INDEX "Run_createdById_teamId_idx" ON "Run"("createdById", "teamId");

-- Recounts one member's runs in one team into their tally row (none when they have no runs there):
--   total, byStatus {status: runs}, byFinding {code: runs whose latest findings name it, once a run},
--   healthyRuns (diagnosed with no finding, after at least one epoch), settledWorkerMs (the worker time of
--   their trained runs that are not running: a running run's time grows, so the page adds it when read),
--   lastRunAt (their newest run).
-- Written in SQL so that one definition serves RunRepository, this migration's backfill and bench:load's bulk
-- seed. Each statement of a VOLATILE function takes its own snapshot: the recount starts after the lock, and
-- so sees every write committed before it; of two concurrent refreshes the later one counts both writes.
CREATE FUNCTION refresh_member_run_tally(team UUID, member UUID) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('gradlab:member-run-tally'), hashtext(team::text || member::text));
  WITH runs AS (SELECT * FROM "Run" WHERE "createdById" = member AND "teamId" = team)
  INSERT INTO "MemberRunTally" ("teamId", "userId", "total", "byStatus", "byFinding", "healthyRuns",
                                "settledWorkerMs", "lastRunAt")
  SELECT team, member,
         (SELECT count(*) FROM runs),
         coalesce((SELECT jsonb_object_agg(status, n)
                   FROM (SELECT status::text AS status, count(*) AS n FROM runs GROUP BY status) s), '{}'),
         coalesce((SELECT jsonb_object_agg(code, n)
                   FROM (SELECT f ->> 'code' AS code, count(DISTINCT r.id) AS n
                         FROM runs r
                         CROSS JOIN LATERAL jsonb_array_elements(
                           CASE WHEN jsonb_typeof(r.findings) = 'array' THEN r.findings ELSE '[]'::jsonb END) f
                         WHERE f ->> 'code' IS NOT NULL
                         GROUP BY 1) c), '{}'),
         (SELECT count(*) FROM runs
          WHERE jsonb_typeof(findings) = 'array' AND jsonb_array_length(findings) = 0 AND "epochsCompleted" > 0),
         (SELECT coalesce(sum(extract(epoch FROM coalesce("finishedAt", "startedAt") - "startedAt") * 1000), 0)
          FROM runs WHERE kind = 'trained' AND "startedAt" IS NOT NULL AND status <> 'running'),
         (SELECT max("createdAt") FROM runs)
  ON CONFLICT ("teamId", "userId") DO UPDATE SET
    "total" = EXCLUDED."total",
    "byStatus" = EXCLUDED."byStatus",
    "byFinding" = EXCLUDED."byFinding",
    "healthyRuns" = EXCLUDED."healthyRuns",
    "settledWorkerMs" = EXCLUDED."settledWorkerMs",
    "lastRunAt" = EXCLUDED."lastRunAt";
  DELETE FROM "MemberRunTally" WHERE "teamId" = team AND "userId" = member AND "total" = 0;
END
$$;

-- The runs stored before this migration.
SELECT refresh_member_run_tally("teamId", "createdById")
FROM (SELECT DISTINCT "teamId", "createdById" FROM "Run" WHERE "createdById" IS NOT NULL) members;
