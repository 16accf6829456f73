import { redisConnectionFromUrl, trainingQueueName, type TrainingJob } from '@gradlab/contracts';
import { Worker, type Job } from 'bullmq';

/**
 * A real BullMQ worker on a pool's training queue that takes jobs and holds them until released: the
 * dispatcher sees a free worker, gives it a run, and the test reads the job it took.
 */
export async function holdingWorker(prefix: string, pool = 'cpu') {
  const taken: Job<TrainingJob>[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const worker = new Worker<TrainingJob>(
    trainingQueueName(pool),
    async (job) => {
      taken.push(job);
      await released;
      return 'held';
    },
    { connection: redisConnectionFromUrl('redis://127.0.0.1:6379'), prefix, concurrency: 1 },
  );
  await worker.waitUntilReady();
  return {
    taken,
    async close() {
      release();
      await worker.close();
    },
  };
}
