-- The update-to-weight ratio of each weight tensor at an epoch's last step; null for epochs stored before it.
-- AlterTable
ALTER TABLE "LayerGradient" ADD COLUMN "updateRatio" DOUBLE PRECISION;
