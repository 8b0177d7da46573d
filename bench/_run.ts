import { Rng } from '../sim/engine/rng.ts';
import { bucketOf } from '../sim/engine/event-queue.ts';
const NB = 55, W = 5, RUN_MAX = 64;
class RQ {
  data: Float64Array[] = []; lens = new Int32Array(NB); maskLo = 0; maskHi = 0; base = 0; count = 0;
  run = new Float64Array(W * 1024); runLen = 0; read = 0; runBucket = 0;
  constructor() { for (let i = 0; i < NB; i++) this.data.push(new Float64Array(W * 64)); }
  append(b: number, t: number, s: number, w: number, a: number, x: number) {
    let d = this.data[b]!; const len = this.lens[b]!;
    if ((len + 1) * W > d.length) { const n = new Float64Array(d.length * 2); n.set(d); this.data[b] = d = n; }
    const o = len * W; d[o] = t; d[o + 1] = s; d[o + 2] = w; d[o + 3] = a; d[o + 4] = x; this.lens[b] = len + 1;
    if (b < 32) this.maskLo |= 1 << b; else this.maskHi |= 1 << (b - 32);
  }
  push(t: number, s: number, w: number, a: number, x: number) {
    this.count++;
    const b = bucketOf(t, this.base);
    if (b <= this.runBucket && this.read < this.runLen) this.insertRun(t, s, w, a, x); else this.append(b, t, s, w, a, x);
  }
  insertRun(t: number, s: number, w: number, a: number, x: number) {
    if ((this.runLen + 1) * W > this.run.length) { const n = new Float64Array(this.run.length * 2); n.set(this.run); this.run = n; }
    const r = this.run; let i = this.runLen;
    while (i > this.read) { const o = (i - 1) * W; const pt = r[o]!; if (pt < t || (pt === t && r[o + 1]! < s)) break; i--; }
    r.copyWithin((i + 1) * W, i * W, this.runLen * W);
    const o = i * W; r[o] = t; r[o + 1] = s; r[o + 2] = w; r[o + 3] = a; r[o + 4] = x; this.runLen++;
  }
  refill() {
    this.runLen = 0; this.read = 0;
    for (;;) {
      const m = this.maskLo; const j = m !== 0 ? 31 - Math.clz32(m & -m) : 63 - Math.clz32(this.maskHi & -this.maskHi);
      const d = this.data[j]!; const len = this.lens[j]!; const end = len * W; this.lens[j] = 0; if (j < 32) this.maskLo &= ~(1 << j); else this.maskHi &= ~(1 << (j - 32));
      if (len <= RUN_MAX || j === 0) { // sort into the run
        for (let o = 0; o < end; o += W) this.insertRun(d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!, d[o + 4]!);
        this.runBucket = j; return;
      }
      let min = d[0]!; for (let o = W; o < end; o += W) if (d[o]! < min) min = d[o]!;
      this.base = min;
      for (let o = 0; o < end; o += W) this.append(bucketOf(d[o]!, min), d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!, d[o + 4]!);
    }
  }
}
class Sim {
  q = new RQ(); now = 0; seq = 0; fired = 0; h1 = 0; h2 = 0;
  dispatch: (k: number, a: number, b: number) => void = () => {};
  post(t: number, kind: number, a: number, b: number) { this.q.push(t, this.seq++, kind, a, b); }
  runN(max: number) {
    const q = this.q; const end = this.fired + max;
    while (q.count > 0 && this.fired < end) {
      if (q.read === q.runLen) q.refill();
      const o = q.read++ * W; q.count--; const d = q.run;
      const t = d[o]!; const w = d[o + 2]!; const a = d[o + 3]!; const b = d[o + 4]!;
      this.now = t; this.fired++;
      const kind = w % 4096;
      this.h1 = Math.imul(this.h1 ^ (t | 0), 0x01000193); this.h2 = Math.imul(this.h2 ^ a, 0x5bd1e995) ^ kind;
      this.dispatch(kind, a, b);
    }
  }
}
for (const n of [1e3, 1e5, 1e6]) {
  const rng = new Rng(1).stream('hold'); const sim = new Sim(); let chk = 0;
  const d = () => Math.round(-1e6 * Math.log(rng.nextUnit()) / 1000) * 1000;
  sim.dispatch = (k, a) => { chk = (chk + a) | 0; sim.post(sim.now + d(), k, a, 0); };
  for (let i = 0; i < n; i++) sim.post(d(), 1, i, 0);
  const N = 3e6; const t0 = process.hrtime.bigint(); sim.runN(N);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; console.log('run', n, (N / ms / 1e3).toFixed(2) + 'M/s', chk);
}
