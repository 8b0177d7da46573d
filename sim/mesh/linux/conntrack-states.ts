/**
 * The TCP conntrack states this model keeps (conntrack.md §1.3), as small integers indexing
 * per-state counts. SYN_RECV, FIN_WAIT, CLOSE_WAIT and LAST_ACK are not kept: the handshake and
 * the FIN exchange last a round trip (microseconds here) and are folded into their neighbours
 * (conntrack.md §6.2 rules 1 and 6 allow it).
 */
export const CT_SYN_SENT = 0;
export const CT_ESTABLISHED = 1;
export const CT_TIME_WAIT = 2;
export const CT_CLOSE = 3;
export const CT_STATES = 4;
export const CT_STATE_NAMES = ['SYN_SENT', 'ESTABLISHED', 'TIME_WAIT', 'CLOSE'] as const;

/** Per-state timeouts of one netns, in ns, indexed by CT_*. */
export type CtTimeoutsNs = readonly [synSent: number, established: number, timeWait: number, close: number];
