-- Teams' own blocks (gradlab.block/1), and the block each run trains.
CREATE TABLE "Block" (
    "id" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "createdById" UUID,
    "name" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Block_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Block_teamId_name_key" ON "Block"("teamId", "name");
CREATE INDEX "Block_teamId_createdAt_idx" ON "Block"("teamId", "createdAt" DESC);

ALTER TABLE "Block" ADD CONSTRAINT "Block_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Block" ADD CONSTRAINT "Block_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "Run" ADD COLUMN "blockId" UUID;
CREATE INDEX "Run_blockId_idx" ON "Run"("blockId");
ALTER TABLE "Run" ADD CONSTRAINT "Run_blockId_fkey" FOREIGN KEY ("blockId") REFERENCES "Block"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
