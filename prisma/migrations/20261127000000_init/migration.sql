-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "config" JSONB NOT NULL,
    "architecture" TEXT NOT NULL,
    "blockType" TEXT NOT NULL,
    "totalEpochs" INTEGER NOT NULL,
    "backend" TEXT,
    "workerId" TEXT,
    "workerHost" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "epochsCompleted" INTEGER NOT NULL DEFAULT 0,
    "bestValAccuracy" DOUBLE PRECISION,
    "bestEpoch" INTEGER,
    "testLoss" DOUBLE PRECISION,
    "testAccuracy" DOUBLE PRECISION,
    "error" TEXT,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Epoch" (
    "runId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "trainLoss" DOUBLE PRECISION,
    "trainAccuracy" DOUBLE PRECISION NOT NULL,
    "valLoss" DOUBLE PRECISION,
    "valAccuracy" DOUBLE PRECISION NOT NULL,
    "learningRate" DOUBLE PRECISION NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Epoch_pkey" PRIMARY KEY ("runId","index")
);

-- CreateTable
CREATE TABLE "LayerGradient" (
    "runId" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "layerIndex" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "meanAbs" DOUBLE PRECISION,
    "lastBatchMeanAbs" DOUBLE PRECISION,
    "l2" DOUBLE PRECISION,
    "maxAbs" DOUBLE PRECISION,
    "nonFiniteCount" INTEGER NOT NULL,
    "weightL2" DOUBLE PRECISION,

    CONSTRAINT "LayerGradient_pkey" PRIMARY KEY ("runId","epoch","layerIndex")
);

-- CreateTable
CREATE TABLE "Checkpoint" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "currentRunId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastHeartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Run_createdAt_id_idx" ON "Run"("createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Checkpoint_runId_kind_key" ON "Checkpoint"("runId", "kind");

-- CreateIndex
CREATE INDEX "Worker_lastHeartbeatAt_idx" ON "Worker"("lastHeartbeatAt");

-- AddForeignKey
ALTER TABLE "Epoch" ADD CONSTRAINT "Epoch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LayerGradient" ADD CONSTRAINT "LayerGradient_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LayerGradient" ADD CONSTRAINT "LayerGradient_runId_epoch_fkey" FOREIGN KEY ("runId", "epoch") REFERENCES "Epoch"("runId", "index") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Checkpoint" ADD CONSTRAINT "Checkpoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
