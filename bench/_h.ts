import { holdModel } from './hold-model.ts';
for (const n of [1e3, 1e5, 1e6]) { const r = holdModel(n, 3e6); console.log(n, (r.eventsPerSec/1e6).toFixed(2)+'M/s', r.digest); }
