-- Fair share, quotas and worker pools.
ALTER TABLE "Team" ADD COLUMN "shareWeight" DOUBLE PRECISION NOT NULL DEFAULT 1,
ADD COLUMN "weeklyBudgetHours" DOUBLE PRECISION;

ALTER TABLE "Run" ADD COLUMN "requiredPool" TEXT,
ADD COLUMN "minSpeed" DOUBLE PRECISION,
ADD COLUMN "prefersGpu" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "dispatchedAt" TIMESTAMP(3),
ADD COLUMN "pool" TEXT;

-- Runs queued before the scheduler already have their job in the training queue: they count as given.
UPDATE "Run" SET "dispatchedAt" = "createdAt", "pool" = 'cpu' WHERE "status" IN ('queued', 'running');

CREATE INDEX "Run_finishedAt_idx" ON "Run"("finishedAt");

-- The scheduler's question, per team: its oldest run still waiting for a worker.
CREATE INDEX "Run_waiting_by_team_idx" ON "Run"("teamId", "createdAt") WHERE "status" = 'queued' AND "dispatchedAt" IS NULL;

ALTER TABLE "Worker" ADD COLUMN "pool" TEXT NOT NULL DEFAULT 'cpu',
ADD COLUMN "memoryBytes" DOUBLE PRECISION,
ADD COLUMN "speed" DOUBLE PRECISION;
