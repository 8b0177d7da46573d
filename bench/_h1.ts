import { holdModel } from './hold-model.ts';
for (let i = 0; i < 3; i++) { const r = holdModel(1000, 5e6); console.log((r.eventsPerSec / 1e6).toFixed(2)); }
