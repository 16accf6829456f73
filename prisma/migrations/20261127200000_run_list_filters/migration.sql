-- The Runs page filters by block type and by depth (architecture), newest first.
-- CreateIndex
CREATE INDEX "Run_blockType_createdAt_idx" ON "Run"("blockType", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Run_architecture_createdAt_idx" ON "Run"("architecture", "createdAt" DESC);
