-- A worker that waits for the api (unreachable, or answering 503 while Postgres is down) keeps its run and
-- says since when in its heartbeat; the Workers page shows it.
-- AlterTable
ALTER TABLE "Worker" ADD COLUMN "waitingForApiSince" TIMESTAMP(3);
