'use client';

import type { GradientFlowDto } from '@gradlab/contracts';
import { fitWidth, GRADIENT_STATISTIC_LABELS, gradientFlowSpec, type GradientStatistic } from '@gradlab/figures';
import { useEffect, useState } from 'react';
import { FigureDownloads } from '../../components/figure-downloads';
import { VegaChart } from '../../components/vega-chart';

const PLAY_STEP_MS = 700;

/** The statistic the gradient charts show; the run page keeps one choice for the flow and the heatmap. */
export function StatisticPicker({
  statistic,
  onChange,
}: {
  statistic: GradientStatistic;
  onChange: (statistic: GradientStatistic) => void;
}) {
  return (
    <label>
      Statistic
      <select value={statistic} onChange={(e) => onChange(e.target.value as GradientStatistic)} data-testid="statistic">
        {(Object.keys(GRADIENT_STATISTIC_LABELS) as GradientStatistic[]).map((s) => (
          <option key={s} value={s}>
            {GRADIENT_STATISTIC_LABELS[s]}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Gradient flow at one epoch, chosen with a slider that can play through the epochs. It follows the newest
 * epoch until the reader picks one.
 */
export function GradientFlowPanel({
  runId,
  runName,
  flows,
  statistic,
  onStatistic,
}: {
  runId: string;
  runName: string;
  flows: GradientFlowDto[];
  statistic: GradientStatistic;
  onStatistic: (statistic: GradientStatistic) => void;
}) {
  const last = flows.length - 1;
  const [picked, setPicked] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const position = picked === null ? last : Math.min(picked, last);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setPicked((p) => {
        const next = (p ?? last) + 1;
        if (next > last) {
          setPlaying(false);
          return null; // back to following the newest epoch
        }
        return next;
      });
    }, PLAY_STEP_MS);
    return () => clearInterval(timer);
  }, [playing, last]);

  const flow = flows[position];
  return (
    <>
      <div className="row">
        <label>
          <span data-testid="flow-epoch">Epoch {flow.epoch}</span>
          <input
            type="range"
            min={0}
            max={last}
            value={position}
            onChange={(e) => {
              setPlaying(false);
              setPicked(Number(e.target.value));
            }}
            aria-label="Epoch of the gradient flow"
          />
        </label>
        <button
          type="button"
          onClick={() => {
            if (!playing && position >= last) setPicked(0);
            setPlaying((p) => !p);
          }}
          disabled={last === 0}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <StatisticPicker statistic={statistic} onChange={onStatistic} />
        <span className="muted">{flow.layers.length} weight layers</span>
      </div>
      <VegaChart
        spec={(width) => fitWidth(gradientFlowSpec([{ label: runName, layers: flow.layers }], { statistic }), width)}
        testId="gradient-flow-chart"
        label={`Gradient flow at epoch ${flow.epoch}`}
      />
      <FigureDownloads
        path={`/runs/${runId}/figures/gradient-flow`}
        query={{ epoch: flow.epoch, statistic }}
        testId="download-gradient-flow"
      />
    </>
  );
}
