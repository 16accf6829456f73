-- Running statistics of each group cell's runs per epoch and layer (apps/api/src/groups/group-layer-statistics.ts):
-- per statistic the count, mean and sum of squared deviations (Welford), min and max; log-scale statistics
-- of log10 of the positive values, with zeros counted apart. Kept up to date as each epoch is stored.
-- CreateTable
CREATE TABLE "GroupLayerStat" (
    "groupId" UUID NOT NULL,
    "cell" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "meanAbsN" INTEGER NOT NULL,
    "meanAbsMean" DOUBLE PRECISION,
    "meanAbsM2" DOUBLE PRECISION,
    "meanAbsMin" DOUBLE PRECISION,
    "meanAbsMax" DOUBLE PRECISION,
    "meanAbsZeros" INTEGER NOT NULL,
    "lastBatchMeanAbsN" INTEGER NOT NULL,
    "lastBatchMeanAbsMean" DOUBLE PRECISION,
    "lastBatchMeanAbsM2" DOUBLE PRECISION,
    "lastBatchMeanAbsMin" DOUBLE PRECISION,
    "lastBatchMeanAbsMax" DOUBLE PRECISION,
    "lastBatchMeanAbsZeros" INTEGER NOT NULL,
    "l2N" INTEGER NOT NULL,
    "l2Mean" DOUBLE PRECISION,
    "l2M2" DOUBLE PRECISION,
    "l2Min" DOUBLE PRECISION,
    "l2Max" DOUBLE PRECISION,
    "l2Zeros" INTEGER NOT NULL,
    "maxAbsN" INTEGER NOT NULL,
    "maxAbsMean" DOUBLE PRECISION,
    "maxAbsM2" DOUBLE PRECISION,
    "maxAbsMin" DOUBLE PRECISION,
    "maxAbsMax" DOUBLE PRECISION,
    "maxAbsZeros" INTEGER NOT NULL,
    "updateRatioN" INTEGER NOT NULL,
    "updateRatioMean" DOUBLE PRECISION,
    "updateRatioM2" DOUBLE PRECISION,
    "updateRatioMin" DOUBLE PRECISION,
    "updateRatioMax" DOUBLE PRECISION,
    "updateRatioZeros" INTEGER NOT NULL,
    "weightL2N" INTEGER NOT NULL,
    "weightL2Mean" DOUBLE PRECISION,
    "weightL2M2" DOUBLE PRECISION,
    "weightL2Min" DOUBLE PRECISION,
    "weightL2Max" DOUBLE PRECISION,
    "nonFiniteCountN" INTEGER NOT NULL,
    "nonFiniteCountMean" DOUBLE PRECISION,
    "nonFiniteCountM2" DOUBLE PRECISION,
    "nonFiniteCountMin" DOUBLE PRECISION,
    "nonFiniteCountMax" DOUBLE PRECISION,

    CONSTRAINT "GroupLayerStat_pkey" PRIMARY KEY ("groupId","cell","epoch","layerIndex")
);

-- AddForeignKey
ALTER TABLE "GroupLayerStat" ADD CONSTRAINT "GroupLayerStat_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "RunGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
