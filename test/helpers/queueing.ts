/**
 * Closed forms for M/M/c queues (Poisson arrivals at rate lambda, c servers, exponential service
 * at rate mu each, one FIFO queue), used to check the simulator against queueing theory.
 * Rates are per second; times in seconds.
 */

/** Erlang C: the probability an arrival has to wait, for offered load a = lambda/mu < c. */
export function erlangC(c: number, a: number): number {
  if (!(a < c)) throw new RangeError(`unstable queue: offered load ${a} >= ${c} servers`);
  // Erlang B by its stable recursion B(k) = a B(k-1) / (k + a B(k-1)), then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

/** Mean time waiting in the queue before service: C / (c mu - lambda). */
export function meanWaitS(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/**
 * P(sojourn > t). The sojourn is service S ~ Exp(mu) plus a wait W that is 0 with probability
 * 1 - C and Exp(theta) with probability C, theta = c mu - lambda; convolving gives
 * e^{-mu t} + C mu (e^{-mu t} - e^{-theta t}) / (theta - mu)   (theta != mu),
 * e^{-mu t} (1 + C mu t)                                         (theta == mu).
 * For c = 1 this is e^{-(mu - lambda) t}, the M/M/1 result.
 */
export function sojournTail(t: number, c: number, lambda: number, mu: number): number {
  const C = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  if (Math.abs(theta - mu) < 1e-9 * mu) return Math.exp(-mu * t) * (1 + C * mu * t);
  return Math.exp(-mu * t) + (C * mu * (Math.exp(-mu * t) - Math.exp(-theta * t))) / (theta - mu);
}

/** The q-quantile of the sojourn time, by bisection on the tail (monotone in t). */
export function sojournQuantileS(q: number, c: number, lambda: number, mu: number): number {
  let lo = 0;
  let hi = 1 / mu;
  while (1 - sojournTail(hi, c, lambda, mu) < q) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - sojournTail(mid, c, lambda, mu) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
