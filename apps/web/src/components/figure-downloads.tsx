'use client';

import { FIGURE_FORMATS, type FigureFormat } from '@gradlab/contracts';
import { useState } from 'react';
import { useApi } from '../lib/api-context';

/**
 * Downloads of a chart as the api renders it for a report: SVG, PDF (vector, fonts embedded), PNG (300 dpi)
 * and the plotted data as CSV, at a column's or the page's width. `path` is the figure's route without its
 * extension, e.g. `/runs/ID/figures/learning-curves`; `query` what else the figure depends on.
 */
export function FigureDownloads({
  path,
  query = {},
  testId,
  formats = FIGURE_FORMATS,
}: {
  path: string;
  query?: Record<string, string | number | undefined>;
  testId: string;
  formats?: readonly FigureFormat[];
}) {
  const { apiUrl } = useApi();
  const [width, setWidth] = useState<'column' | 'page'>('column');
  const params = new URLSearchParams({ width });
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return (
    <div className="downloads" data-testid={testId}>
      <span className="muted">Download for a report:</span>
      {formats.map((format) => (
        <a key={format} href={`${apiUrl}/api${path}.${format}?${params}`} download>
          {format.toUpperCase()}
        </a>
      ))}
      <label className="inline">
        width
        <select value={width} onChange={(e) => setWidth(e.target.value as 'column' | 'page')} aria-label="Figure width">
          <option value="column">one column (3.25 in)</option>
          <option value="page">the page (6.75 in)</option>
        </select>
      </label>
    </div>
  );
}
