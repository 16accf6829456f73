import { formatDuration, formatMeanStd, formatNumber, formatPercent, runDuration } from './format';

describe('display helpers', () => {
  it('writes durations in the largest units that fit, and a dash for none', () => {
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600_000 + 7 * 60_000)).toBe('3 h 7 min');
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(NaN)).toBe('–');
  });

  it('writes accuracies as percentages, a mean over seeds with its std in points, and a dash for none', () => {
    expect(formatPercent(0.4123)).toBe('41.2%');
    expect(formatPercent(null)).toBe('–');
    expect(formatMeanStd({ mean: 0.412, std: 0.013, n: 3 })).toBe('41.2% ± 1.3 (n=3)');
    expect(formatMeanStd({ mean: 0.412, std: null, n: 1 })).toBe('41.2% (n=1)');
    expect(formatMeanStd({ mean: null, std: null, n: 0 })).toBe('–');
    expect(formatNumber(4.605170186, 3)).toBe('4.605');
    expect(formatNumber(undefined)).toBe('–');
  });

  it('measures a run until it finished, or until now while it runs, and not before it started or the clock is known', () => {
    const startedAt = '2026-11-29T10:00:00.000Z';
    expect(runDuration({ startedAt, finishedAt: '2026-11-29T10:02:30.000Z' }, null)).toBe(150_000);
    expect(runDuration({ startedAt, finishedAt: null }, Date.parse(startedAt) + 5000)).toBe(5000);
    expect(runDuration({ startedAt, finishedAt: null }, null)).toBeNull();
    expect(runDuration({ startedAt: null, finishedAt: null }, Date.now())).toBeNull();
  });
});
