/**
 * A histogram's counts regrouped into coarse logarithmic bins for plotting: each octave's 128
 * fine buckets become `perOctave` bins of equal width (8 by default: bins about 9% wide), and
 * values below 128 ns (exact buckets) one bin. Only bins with counts are listed; counts are exact.
 */
import type { Histogram } from './histogram.ts';

export interface HistogramBins {
  /** Bin edges in nanoseconds: [lowNs[i], highNs[i]). */
  lowNs: number[];
  highNs: number[];
  counts: number[];
}

const SUB = 128;

export function histogramBins(h: Histogram, perOctave = 8): HistogramBins {
  const group = SUB / perOctave;
  const out: HistogramBins = { lowNs: [], highNs: [], counts: [] };
  const c = h.counts;
  let exact = 0;
  for (let i = 0; i < SUB; i++) exact += c[i]!;
  if (exact > 0) push(out, 0, SUB, exact);
  for (let start = SUB; start < c.length; start += group) {
    let n = 0;
    for (let i = start; i < start + group; i++) n += c[i]!;
    if (n === 0) continue;
    const octave = Math.floor((start - SUB) / SUB);
    const width = 2 ** octave; // fine-bucket width in this octave
    const low = (SUB + ((start - SUB) % SUB)) * width;
    push(out, low, low + group * width, n);
  }
  return out;
}

function push(out: HistogramBins, low: number, high: number, n: number): void {
  out.lowNs.push(low);
  out.highNs.push(high);
  out.counts.push(n);
}
