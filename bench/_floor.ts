import { Rng } from '../sim/engine/rng.ts';
const rng = new Rng(1).stream('q'); const N = 2e7; let chk = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) chk += Math.round(-1000 * Math.log(rng.nextUnit())) * 1000;
const ms = Number(process.hrtime.bigint() - t0) / 1e6; console.log('floor', (N / ms / 1e3).toFixed(2) + 'M/s', chk);
let s = 1; let c2 = 0; const t1 = process.hrtime.bigint();
for (let i = 0; i < N; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; c2 += Math.round(-1000 * Math.log((s + 0.5) / 4294967296)) * 1000; }
console.log('floor-lcg', (N / (Number(process.hrtime.bigint() - t1) / 1e6) / 1e3).toFixed(2) + 'M/s', c2);
