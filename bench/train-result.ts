/** One network's figures from bench:train, as it prints them and as `--json` writes them (one per network). */
export interface TrainThroughputResult {
  network: string;
  backend: string;
  device: string;
  batch: number;
  imagesPerSecond: number;
  msPerStep: number;
  statisticsShare: number;
  dispatchesPerStep: number | null;
  pytorch: { device: string; threads: number; imagesPerSecond: number; ratio: number }[];
}
