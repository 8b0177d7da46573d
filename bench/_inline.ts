import { Rng } from '../sim/engine/rng.ts';
import { bucketOf } from '../sim/engine/event-queue.ts';
const NB = 55, W = 5;
class RQ {
  data: Float64Array[] = []; lens = new Int32Array(NB); maskLo = 0; maskHi = 0; base = 0; read = 0; count = 0;
  constructor() { for (let i = 0; i < NB; i++) this.data.push(new Float64Array(W * 64)); }
  append(b: number, t: number, s: number, w: number, a: number, x: number) {
    let d = this.data[b]!; const len = this.lens[b]!;
    if ((len + 1) * W > d.length) { const n = new Float64Array(d.length * 2); n.set(d); this.data[b] = d = n; }
    const o = len * W; d[o] = t; d[o + 1] = s; d[o + 2] = w; d[o + 3] = a; d[o + 4] = x; this.lens[b] = len + 1;
    if (b < 32) this.maskLo |= 1 << b; else this.maskHi |= 1 << (b - 32);
  }
  push(t: number, s: number, w: number, a: number, x: number) { this.count++; this.append(bucketOf(t, this.base), t, s, w, a, x); }
  refill() {
    this.lens[0] = 0; this.read = 0; this.maskLo &= ~1;
    const m = this.maskLo; const j = m !== 0 ? 31 - Math.clz32(m & -m) : 63 - Math.clz32(this.maskHi & -this.maskHi);
    const d = this.data[j]!; const end = this.lens[j]! * W; this.lens[j] = 0; if (j < 32) this.maskLo &= ~(1 << j); else this.maskHi &= ~(1 << (j - 32));
    let min = d[0]!; for (let o = W; o < end; o += W) if (d[o]! < min) min = d[o]!;
    this.base = min;
    for (let o = 0; o < end; o += W) this.append(bucketOf(d[o]!, min), d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!, d[o + 4]!);
  }
}
class Sim {
  q = new RQ(); now = 0; seq = 0; fired = 0; h1 = 0; h2 = 0;
  dispatch: (k: number, a: number, b: number) => void = () => {};
  post(t: number, kind: number, a: number, b: number) { this.q.push(t, this.seq++, kind, a, b); }
  run(max: number) {
    const q = this.q; const end = this.fired + max;
    while (q.count > 0 && this.fired < end) {
      if (q.read === q.lens[0]) q.refill();
      const o = q.read++ * W; q.count--; const d = q.data[0]!;
      const t = d[o]!; const w = d[o + 2]!; const a = d[o + 3]!; const b = d[o + 4]!;
      this.now = t; this.fired++;
      const kind = w % 4096;
      this.h1 = Math.imul(this.h1 ^ (t | 0), 0x01000193); this.h2 = Math.imul(this.h2 ^ a, 0x5bd1e995) ^ kind;
      this.dispatch(kind, a, b);
    }
  }
}
for (const n of [1e3, 1e5, 1e6]) {
  const rng = new Rng(1).stream('hold'); const sim = new Sim();
  const d = () => Math.round(-1e6 * Math.log(rng.nextUnit()) / 1000) * 1000;
  sim.dispatch = (k, a) => { sim.post(sim.now + d(), k, a, 0); };
  for (let i = 0; i < n; i++) sim.post(d(), 1, i, 0);
  const N = 3e6; const t0 = process.hrtime.bigint(); sim.run(N);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; console.log('inline', n, (N / ms / 1e3).toFixed(2) + 'M/s');
}
