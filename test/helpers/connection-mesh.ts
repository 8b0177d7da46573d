import fc from 'fast-check';

/** A random small mesh with connection tracking on and tables small enough to fill. */
export const connectionMesh = fc
  .record({
    clients: fc.integer({ min: 1, max: 6 }),
    servers: fc.integer({ min: 1, max: 8 }),
    nodes: fc.integer({ min: 1, max: 4 }),
    max: fc.integer({ min: 4, max: 80 }),
    workers: fc.integer({ min: 1, max: 3 }),
    rate: fc.integer({ min: 20, max: 400 }),
    serviceMs: fc.integer({ min: 0, max: 30 }),
    idleMs: fc.constantFrom(50, 300, 3_600_000),
    maxRequests: fc.constantFrom(0, 0, 1, 3),
    h2: fc.boolean(),
    connectMs: fc.constantFrom(500, 2000, 10_000),
    linear: fc.constantFrom(0, 4),
    timeoutMs: fc.constantFrom(0, 0, 300),
    earlyDrop: fc.boolean(),
    // Circuit breakers (envoy.md §5), per-try timeouts (resets), outlier detection and pods
    // leaving (drains, envoy.md §2.3 item 8).
    maxConnections: fc.constantFrom(0, 0, 2),
    maxPending: fc.constantFrom(0, 0, 1, 4),
    perTryMs: fc.constantFrom(0, 0, 15),
    od: fc.boolean(),
    event: fc.constantFrom('', '', '{ at: 2s, scale: { service: back, replicas: 1 } }', '{ at: 2s, kill: { service: back, count: 1 } }', '{ at: 2s, scale: { service: front, replicas: 1 } }', '{ at: 1s, degrade: { service: back, errorRate: 1, for: 1s } }'),
    seed: fc.nat({ max: 1000 }),
  })
  .map(
    (m) => `seed: ${m.seed}
duration: 6s
cluster:
  nodes: ${m.nodes}
  node: { tcpSynLinearTimeouts: ${m.linear} }
  conntrack: { enabled: true, nfConntrackMax: ${m.max}, earlyDrop: ${m.earlyDrop}, wheelSlot: 250ms, timeouts: { timeWait: 2s, synSent: 3s } }
mesh: { sidecar: { concurrency: ${m.workers} }, connectTimeout: ${m.connectMs}ms }
services:
  front: { replicas: ${m.clients}, calls: [{ service: back }] }
  back:
    replicas: ${m.servers}
    timeout: ${m.timeoutMs}ms
    retries: { attempts: 2, perTryTimeout: ${m.perTryMs}ms, retryOn: "5xx,connect-failure,reset" }
    app: { serviceTime: ${m.serviceMs}ms }
    trafficPolicy:
      connectionPool:
        ${m.maxConnections ? `tcp: { maxConnections: ${m.maxConnections} }` : ''}
        http: { idleTimeout: ${m.idleMs}ms, maxRequestsPerConnection: ${m.maxRequests}, h2UpgradePolicy: ${m.h2 ? 'UPGRADE' : 'DO_NOT_UPGRADE'}${m.maxPending ? `, http1MaxPendingRequests: ${m.maxPending}` : ''} }
      ${m.od ? 'outlierDetection: { consecutive5xxErrors: 2, interval: 500ms, baseEjectionTime: 1s, maxEjectionPercent: 50 }' : ''}
workload: [{ to: front, rate: ${m.rate}/s, end: 4s }]
timeline: [${m.event}]
`,
  );
