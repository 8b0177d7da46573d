// The Web Worker the playground runs simulations in: the library's worker API over comlink.
import { exposeSimWorker } from 'meshsim/browser';

exposeSimWorker();
