'use client';

import type { TopLevelSpec } from 'vega-lite';
import { useEffect, useRef, useState } from 'react';

/**
 * Draws a Vega-Lite spec from libs/figures as SVG (crisp, and the same spec the figure export renders).
 * Vega is loaded in the browser only.
 */
export function VegaChart({ spec, testId, label }: { spec: TopLevelSpec; testId: string; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const specJson = JSON.stringify(spec);

  useEffect(() => {
    let cancelled = false;
    let finalize: (() => void) | undefined;
    import('vega-embed')
      .then(async ({ default: embed }) => {
        if (cancelled || !container.current) return;
        const result = await embed(container.current, JSON.parse(specJson), {
          renderer: 'svg',
          actions: { export: true, source: false, compiled: false, editor: false },
        });
        if (cancelled) result.finalize();
        else finalize = () => result.finalize();
        setError(null);
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [specJson]);

  return (
    <figure className="chart" aria-label={label}>
      <div ref={container} data-testid={testId} />
      {error && <p className="error">Could not draw the chart: {error}</p>}
    </figure>
  );
}
