/**
 * The scenario format's connection parts: node sizing and kernel TCP settings, conntrack, and
 * Envoy's connection pools. Defaults are the kernel's, kube-proxy's, Envoy's and Istio's
 * (conntrack.md, envoy.md §5, kubernetes-istio.md), cited per field; modelling choices say so.
 */
import { z } from 'zod';
import { Duration } from './schema-units.ts';

export const Node = z
  .strictObject({
    cpus: z.int().min(1).max(512).default(8).meta({ description: 'vCPUs per node: kube-proxy sizes nf_conntrack_max by them. Default 8 (a modelling choice).' }),
    memoryGiB: z.number().min(0.25).max(16_384).default(32).meta({ description: 'RAM per node: the kernel sizes its conntrack hash by it (conntrack.md §1.1). Default 32 (a modelling choice).' }),
    tcpSynRetries: z.int().min(1).max(127).default(6).meta({ description: 'net.ipv4.tcp_syn_retries. Kernel default 6 (conntrack.md §2.1).' }),
    tcpSynLinearTimeouts: z.int().min(0).max(32).default(0).meta({
      description: 'net.ipv4.tcp_syn_linear_timeouts: 4 on kernels >= 6.5 (SYNs at 0,1,2,3,4,5,7,11,19,35,67 s), absent (0) before (0,1,3,7,15,31,63 s) (conntrack.md §2.1). Default 0.',
    }),
  })
  .meta({ description: 'Every worker node: size and kernel TCP settings.' });

const ConntrackTimeouts = z
  .strictObject({
    synSent: Duration.prefault('120s').meta({ description: 'nf_conntrack_tcp_timeout_syn_sent. Kernel default 120s (conntrack.md §1.3).' }),
    established: Duration.prefault('24h').meta({ description: "nf_conntrack_tcp_timeout_established in the host netns: kube-proxy's 24h (conntrack.md §1.2)." }),
    timeWait: Duration.prefault('120s').meta({ description: 'nf_conntrack_tcp_timeout_time_wait. Kernel default 120s (conntrack.md §1.3).' }),
    close: Duration.prefault('10s').meta({ description: 'nf_conntrack_tcp_timeout_close (after an RST). Kernel default 10s (conntrack.md §1.3).' }),
  })
  .meta({ description: "The host netns's TCP conntrack timeouts; pod netns keep the kernel defaults (conntrack.md §1.2, per-netns sysctls)." });

export const Conntrack = z
  .strictObject({
    enabled: z.boolean().default(false).meta({
      description: 'Model TCP connections: Envoy connection pools, handshakes through every conntrack table on the path, SYN drops and retransmits. Default false: requests need no connection.',
    }),
    maxPerCore: z.int().min(0).max(1 << 24).default(32_768).meta({ description: "kube-proxy conntrack.maxPerCore; 0 leaves the kernel's nf_conntrack_max. Default 32768 (conntrack.md §1.2)." }),
    min: z.int().min(0).max(1 << 26).default(131_072).meta({ description: 'kube-proxy conntrack.min. Default 131072 (conntrack.md §1.2).' }),
    maxPerCoreCap: z.int().min(0).max(1 << 26).default(1_048_576).meta({
      description: "kube-proxy's cap on maxPerCore x cpus (kubernetes#137002, Feb 2026); above it, min is ignored. 0: no cap (kube-proxy before it). Default 1048576 (conntrack.md §1.2).",
    }),
    nfConntrackMax: z.int().min(1).max(1 << 26).optional().meta({ description: 'Sets net.netfilter.nf_conntrack_max directly (after kube-proxy). Default: max(maxPerCore x cpus, min), maxPerCore x cpus capped at maxPerCoreCap.' }),
    nfConntrackBuckets: z.int().min(1).max(1 << 26).optional().meta({ description: 'nf_conntrack_buckets (hashsize). Default: the kernel\'s, raised by kube-proxy to max/4 (conntrack.md §1.1-1.2).' }),
    timeouts: ConntrackTimeouts.prefault({}),
    earlyDrop: z.boolean().default(true).meta({ description: 'A full table evicts a non-assured entry found in an 8-bucket scan before dropping (conntrack.md §1.4). Default true.' }),
    gc: z.boolean().default(true).meta({ description: 'The GC worker evicts TIME_WAIT, CLOSE and non-assured entries from a flagged table at >= 95 % (conntrack.md §1.4). Default true.' }),
    wheelSlot: Duration.prefault('1s').meta({ description: 'Expiry-wheel slot: entries expire, and idle connections close, within one slot of their time. Default 1s (a modelling choice).' }),
  })
  .meta({ description: 'Connection tracking on every node: one host-netns table per node and one per pod netns (conntrack.md §1.5).' });

// trafficPolicy.connectionPool's connection fields (connectTimeout, idleTimeout, ...) are in schema-retries.ts ConnectionPool.

export const MeshConnectTimeout = Duration.prefault('10s').meta({ description: 'MeshConfig.connectTimeout: Envoy abandons a connect after this. Istio default 10s (conntrack.md §2.2).' });

export const SidecarConcurrency = z.int().min(1).max(256).meta({
  description: "ProxyConfig.concurrency: Envoy worker threads, each with its own connection pool per upstream host (envoy.md §5). Istio's default 2.",
});
