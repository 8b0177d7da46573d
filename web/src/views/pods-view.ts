/** Pods per service by state at time T, as stacked horizontal bars. */
import type { PodsAt, PodState } from '../pod-states.ts';

const COLORS: Record<PodState, string> = { starting: '#f59e0b', ready: '#16a34a', terminating: '#94a3b8' };

export function drawPods(container: HTMLElement, pods: PodsAt): void {
  container.replaceChildren();
  const max = Math.max(1, ...pods.services.map((s) => Object.values(s.counts).reduce((a, b) => a + (b ?? 0), 0)));
  if (pods.services.every((s) => Object.keys(s.counts).length === 0)) {
    container.innerHTML = '<p class="note">pod counts appear when the run ends (this result records no per-interval pod states)</p>';
    return;
  }
  const note = document.createElement('p');
  note.className = 'note';
  note.textContent = pods.source === 'interval' ? 'pods at the end of the interval' : 'ready endpoints at the end of the run (this result has no per-interval pod states)';
  container.append(note);
  const legend = document.createElement('div');
  legend.className = 'pod-legend';
  const states = [...new Set(pods.services.flatMap((s) => Object.keys(s.counts)))] as PodState[];
  legend.innerHTML = states.map((st) => `<span><i style="background:${COLORS[st]}"></i>${st}</span>`).join('');
  container.append(legend);
  for (const s of pods.services) {
    const row = document.createElement('div');
    row.className = 'pod-row';
    row.dataset.service = s.service;
    const name = document.createElement('span');
    name.className = 'pod-name';
    name.textContent = s.service;
    const bar = document.createElement('span');
    bar.className = 'pod-bar';
    const parts: string[] = [];
    for (const st of states) {
      const n = s.counts[st] ?? 0;
      if (n <= 0) continue;
      const seg = document.createElement('i');
      seg.style.width = `${(100 * n) / max}%`;
      seg.style.background = COLORS[st];
      seg.title = `${s.service}: ${n} ${st}`;
      seg.dataset.state = st;
      bar.append(seg);
      parts.push(`${n} ${st}`);
    }
    const label = document.createElement('span');
    label.className = 'pod-count';
    label.textContent = parts.join(' · ') || '0';
    row.append(name, bar, label);
    container.append(row);
  }
}
