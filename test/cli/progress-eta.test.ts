import { describe, expect, it } from 'vitest';
import { etaText } from '../../sim/cli/progress-bar.ts';

describe('progress ETA', () => {
  it('extrapolates the time left from the elapsed time and the fraction done', () => {
    expect(etaText(10_000, 0.5)).toBe(' · ETA 10s');
    expect(etaText(60_000, 0.25)).toBe(' · ETA 3m00s');
    expect(etaText(3_600_000, 0.5)).toBe(' · ETA 1h00m');
    expect(etaText(1_500, 0.6)).toBe(' · ETA 1s');
  });

  it('says nothing before there is enough to go on, or when done', () => {
    expect(etaText(500, 0.5)).toBe('');
    expect(etaText(60_000, 0.005)).toBe('');
    expect(etaText(60_000, 1)).toBe('');
  });
});
