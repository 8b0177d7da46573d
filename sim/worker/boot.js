// Worker-thread entry: worker threads do not inherit the parent's TypeScript loader, so
// register tsx here, then load the real (TypeScript) worker module.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
