-- A run gradlab trained, or one imported from the course framework's result files (read-only, no gradient flow).
-- AlterTable
ALTER TABLE "Run" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'trained';
