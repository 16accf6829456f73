-- The runs list at a course's scale (100,000 runs; bench:load's Scale phase).
-- A team's runs newest first, in the list's exact order (createdAt, id both descending), so that a page by
-- cursor is a range of this index however deep it is; the list's filters ride along (INCLUDE), so counting a
-- filtered list reads the index alone. Replaces the (teamId, createdAt) index.
DROP INDEX IF EXISTS "Run_teamId_createdAt_idx";
CREATE INDEX "Run_teamId_createdAt_id_idx" ON "Run"("teamId", "createdAt" DESC, "id" DESC) INCLUDE ("status", "blockType", "architecture");

-- The list's name search (`q`, ILIKE '%...%'): trigrams, or every run is read. pg_trgm ships with Postgres
-- (contrib) and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Run_name_trgm_idx" ON "Run" USING GIN ("name" gin_trgm_ops);
