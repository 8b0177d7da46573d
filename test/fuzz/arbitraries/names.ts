/**
 * Names for services and workloads, including the awkward valid ones: one letter, 63
 * characters, hyphens, and `constructor` (a valid DNS label that is also a member of every
 * JavaScript object: lookups with `in` once took it for a known service).
 */
import fc from 'fast-check';

const TRICKY = ['constructor', 'a', 'x-1', 'proto', 'valueof', `s${'x'.repeat(61)}z`];

export const serviceNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
);

/** Not w0, w1, ...: those are the default names of unnamed workloads, and a clash is invalid. */
export const workloadNameArb: fc.Arbitrary<string> = fc
  .oneof(fc.stringMatching(/^[A-Za-z][-_.A-Za-z0-9]{0,8}$/), fc.constantFrom('constructor', 'toString'))
  .filter((n) => !/^w\d+$/.test(n));
