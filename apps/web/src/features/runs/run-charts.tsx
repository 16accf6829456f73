'use client';

import type { EpochDto, GradientFlowDto, RunDto } from '@gradlab/contracts';
import {
  fitWidth,
  GRADIENT_STATISTIC_LABELS,
  gradientHeatmapSpec,
  type GradientStatistic,
  learningCurvesForWidth,
} from '@gradlab/figures';
import { useState } from 'react';
import { FigureDownloads } from '../../components/figure-downloads';
import { VegaChart } from '../../components/vega-chart';
import { EVIDENCE_ANCHORS } from './diagnosis-panel';
import { GradientFlowPanel, StatisticPicker } from './gradient-flow-panel';

/**
 * A run's figures, drawn as its epochs arrive: loss and accuracy, the gradient flow of an epoch, and one
 * gradient statistic per layer and epoch (the statistic chosen once for both).
 */
export function RunCharts({ run, epochs, flows }: { run: RunDto; epochs: EpochDto[]; flows: GradientFlowDto[] }) {
  const [statistic, setStatistic] = useState<GradientStatistic>('lastBatchMeanAbs');
  return (
    <>
      <div className="card" id={EVIDENCE_ANCHORS['learning-curves']}>
        <h2>Loss and accuracy</h2>
        {epochs.length === 0 ? (
          <p className="muted">No epoch has finished yet.</p>
        ) : (
          <>
            <VegaChart
              spec={(width) => learningCurvesForWidth([{ label: run.name, epochs }], width)}
              testId="learning-curves"
              label="Loss and accuracy per epoch"
            />
            <FigureDownloads path={`/runs/${run.id}/figures/learning-curves`} testId="download-learning-curves" />
          </>
        )}
      </div>

      <div className="card" id={EVIDENCE_ANCHORS['gradient-flow']}>
        <h2>Gradient flow</h2>
        {flows.length === 0 ? (
          <p className="muted">Recorded at the end of each epoch.</p>
        ) : (
          <GradientFlowPanel
            runId={run.id}
            runName={run.name}
            flows={flows}
            statistic={statistic}
            onStatistic={setStatistic}
          />
        )}
      </div>

      <div className="card">
        <h2>
          <span data-testid="heatmap-title">{GRADIENT_STATISTIC_LABELS[statistic]}</span> per layer and epoch
        </h2>
        {flows.length === 0 ? (
          <p className="muted">Recorded at the end of each epoch.</p>
        ) : (
          <>
            <div className="row">
              <StatisticPicker statistic={statistic} onChange={setStatistic} />
            </div>
            <VegaChart
              spec={(width) => fitWidth(gradientHeatmapSpec(flows, { statistic }), width)}
              testId="gradient-heatmap"
              label="Heatmap of the gradient statistic per layer and epoch"
            />
            <FigureDownloads
              path={`/runs/${run.id}/figures/gradient-heatmap`}
              query={{ statistic }}
              testId="download-gradient-heatmap"
            />
          </>
        )}
      </div>
    </>
  );
}
