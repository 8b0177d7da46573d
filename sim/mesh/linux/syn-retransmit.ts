import { NS_PER_S } from '../../engine/index.ts';

/**
 * When the kernel sends a connect()'s SYNs, and when it gives up: the send offsets from the
 * first SYN and the ETIMEDOUT time, from the two sysctls that define them.
 *
 * conntrack.md §2.1: the initial RTO is 1 s and doubles on each retransmit; tcp_syn_retries = 6
 * gives SYNs at 0, 1, 3, 7, 15, 31, 63 s and ETIMEDOUT at 127 s (classic). Kernels >= 6.5 add
 * tcp_syn_linear_timeouts = 4: the first 4 backoffs are linear (RTO stays 1 s) and the retries
 * become tcp_syn_retries + tcp_syn_linear_timeouts = 10, giving SYNs at 0, 1, 2, 3, 4, 5, 7,
 * 11, 19, 35, 67 s and ETIMEDOUT at 131 s.
 */
export interface SynSchedule {
  /** Offsets of every SYN (the first at 0), in ns. */
  readonly sendOffsetsNs: readonly number[];
  /** When connect() fails with ETIMEDOUT, from the first SYN, in ns. */
  readonly giveUpNs: number;
}

const INITIAL_RTO_NS = NS_PER_S;

export function synSchedule(tcpSynRetries: number, tcpSynLinearTimeouts: number): SynSchedule {
  // conntrack.md §2.1: with linear timeouts the retries are tcp_syn_retries + tcp_syn_linear_timeouts.
  const retries = tcpSynRetries + tcpSynLinearTimeouts;
  const offsets = [0];
  let atNs = 0;
  let rtoNs = INITIAL_RTO_NS;
  for (let k = 1; k <= retries + 1; k++) {
    // The k-th wait: the first linear+1 waits are one initial RTO each, then it doubles.
    rtoNs = k <= tcpSynLinearTimeouts + 1 ? INITIAL_RTO_NS : rtoNs * 2;
    atNs += rtoNs;
    if (k <= retries) offsets.push(atNs);
  }
  return { sendOffsetsNs: offsets, giveUpNs: atNs };
}
