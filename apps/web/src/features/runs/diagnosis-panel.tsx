'use client';

import type { DiagnosisDto, FindingDto } from '@gradlab/contracts';
import { answerOf } from '@gradlab/api-client';
import { useApiQuery } from '../../lib/use-api-query';
import { queryKeys } from '../../lib/query-keys';
import { useSocketEvents } from '../../lib/use-socket-events';

/** Where each kind of evidence is drawn on the run page (the cards' ids). */
export const EVIDENCE_ANCHORS: Record<FindingDto['evidence']['chart'], string> = {
  'learning-curves': 'chart-learning-curves',
  'gradient-flow': 'chart-gradient-flow',
};

const CHART_NAMES: Record<FindingDto['evidence']['chart'], string> = {
  'learning-curves': 'loss and accuracy',
  'gradient-flow': 'gradient flow',
};

function Evidence({ finding }: { finding: FindingDto }) {
  const { chart, epochs, layers } = finding.evidence;
  const shown = layers.slice(0, 8);
  return (
    <p className="muted">
      Evidence: <a href={`#${EVIDENCE_ANCHORS[chart]}`}>see the {CHART_NAMES[chart]} chart</a>
      {epochs.length > 0 && `, epoch${epochs.length > 1 ? 's' : ''} ${epochs.join(', ')}`}
      {shown.length > 0 &&
        `, layer${layers.length > 1 ? 's' : ''} ${shown.join(', ')}${layers.length > shown.length ? ` and ${layers.length - shown.length} more` : ''}`}
    </p>
  );
}

/**
 * What the run's epochs and gradient statistics say is wrong (libs/analysis, computed by the api after every
 * stored epoch and pushed live), each finding with its evidence, a link to the chart that shows it, and the
 * fixes the literature offers.
 */
export function DiagnosisPanel({ runId }: { runId: string }) {
  const { data, error, setData } = useApiQuery<DiagnosisDto>(queryKeys.diagnosis(runId), (api) =>
    answerOf(api.GET('/api/runs/{id}/diagnosis', { params: { path: { id: runId } } })),
  );
  useSocketEvents(
    { runIds: [runId] },
    { 'run.diagnosis': (diagnosis) => diagnosis.runId === runId && setData(diagnosis) },
  );
  if (error) return <p className="error">Could not diagnose the run: {error.message}</p>;
  if (!data) return <p className="muted">Diagnosing…</p>;
  if (data.epochsSeen === 0)
    return (
      <p className="muted" data-testid="diagnosis-empty">
        Diagnosed from the first finished epoch on.
      </p>
    );
  if (data.findings.length === 0) {
    return (
      <p data-testid="diagnosis-healthy">
        No problems found in {data.epochsSeen} epoch{data.epochsSeen > 1 ? 's' : ''}: no vanishing or exploding
        gradients, no dead layers, not stuck at chance, no overfitting.
      </p>
    );
  }
  return (
    <ul className="findings" data-testid="diagnosis-findings">
      {data.findings.map((finding) => (
        <li
          key={finding.code}
          className={`finding finding-${finding.severity}`}
          data-testid={`finding-${finding.code}`}
        >
          <p>
            <span className={`status severity-${finding.severity}`}>{finding.severity}</span>{' '}
            <strong>{finding.code.replaceAll('_', ' ')}</strong>: {finding.summary}
          </p>
          <Evidence finding={finding} />
          <details>
            <summary>Usual fixes</summary>
            <ul>
              {finding.fixes.map((fix) => (
                <li key={fix.fix}>
                  {fix.fix} <span className="muted">({fix.reference})</span>
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}
