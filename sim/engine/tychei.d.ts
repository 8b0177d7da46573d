// seedrandom ships no types for its per-algorithm modules; this is the part we use.
declare module 'seedrandom/lib/tychei.js' {
  interface TycheiState {
    a: number;
    b: number;
    c: number;
    d: number;
  }
  interface TycheiPrng {
    (): number;
    int32(): number;
    double(): number;
    state(): TycheiState;
  }
  const tychei: (seed: number | string, options?: { state?: boolean | TycheiState }) => TycheiPrng;
  export default tychei;
}
