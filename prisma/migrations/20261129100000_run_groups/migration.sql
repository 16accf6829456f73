-- Groups: one config over several seeds and a grid of hyperparameters, each combination a run of the group.
-- CreateTable
CREATE TABLE "RunGroup" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "teamId" UUID NOT NULL,
    "createdById" UUID,
    "config" JSONB NOT NULL,
    "seeds" INTEGER[],
    "grid" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunGroup_pkey" PRIMARY KEY ("id")
);

-- AlterTable: a run's group and cell, and its latest diagnosis (what the staff cohort view counts).
ALTER TABLE "Run" ADD COLUMN "groupId" UUID,
ADD COLUMN "cell" JSONB,
ADD COLUMN "findings" JSONB;

-- CreateIndex
CREATE INDEX "RunGroup_teamId_createdAt_idx" ON "RunGroup"("teamId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Run_groupId_idx" ON "Run"("groupId");

-- AddForeignKey
ALTER TABLE "RunGroup" ADD CONSTRAINT "RunGroup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunGroup" ADD CONSTRAINT "RunGroup_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "RunGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;
