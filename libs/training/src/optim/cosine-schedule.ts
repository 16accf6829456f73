/** torch.optim.lr_scheduler.CosineAnnealingLR stepped once per epoch: the learning rate of epoch `epoch`. */
export function cosineLearningRate(epoch: number, lr0: number, etaMin: number, totalEpochs: number): number {
  return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * epoch) / totalEpochs))) / 2;
}
