-- What a run was trained on and what a worker computes with, beside the backend's name: the GPU adapter
-- (webgpu: device, vendor and Dawn's backend), the GPU (tfjs-node-gpu) or the CPU and its threads.
-- AlterTable
ALTER TABLE "Run" ADD COLUMN "device" TEXT;

-- AlterTable
ALTER TABLE "Worker" ADD COLUMN "device" TEXT;
