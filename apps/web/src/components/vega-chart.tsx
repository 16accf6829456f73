'use client';

import type { TopLevelSpec } from 'vega-lite';
import { useEffect, useRef, useState } from 'react';

/** A spec for the width the chart has on the page, in CSS pixels (libs/figures' fitWidth, learningCurvesForWidth). */
export type SpecForWidth = (width: number) => TopLevelSpec;

/** Widths are rounded to this step, so that a resize by a pixel does not redraw the chart. */
const WIDTH_STEP = 20;
/** vega-embed keeps this much to the right of a chart for its actions menu. */
const EMBED_ACTIONS_PX = 40;

/**
 * Draws a Vega-Lite spec from libs/figures as SVG (crisp, and the same spec the figure export renders), at
 * the width of its container, so that it fits a phone as well as a desktop. Vega is loaded in the browser
 * only.
 */
export function VegaChart({ spec, testId, label }: { spec: SpecForWidth; testId: string; label: string }) {
  const frame = useRef<HTMLElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The spec gets the width left beside vega-embed's actions menu.
  const specJson = width === null ? null : JSON.stringify(spec(width - EMBED_ACTIONS_PX));

  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(200, Math.floor(element.clientWidth / WIDTH_STEP) * WIDTH_STEP));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (specJson === null) return;
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
    <figure className="chart" aria-label={label} ref={frame}>
      <div ref={container} data-testid={testId} />
      {error && <p className="error">Could not draw the chart: {error}</p>}
    </figure>
  );
}
