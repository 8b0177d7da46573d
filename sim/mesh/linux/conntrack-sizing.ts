/**
 * nf_conntrack_max and nf_conntrack_buckets on a node, as the kernel and then kube-proxy set them.
 */

const GIB = 1024 ** 3;

/**
 * conntrack.md §1.1 (kernel >= 5.15, commit d532bcd0b269): buckets = RAM / 131072 on 64-bit,
 * but 262 144 if RAM > 4 GiB and 65 536 if RAM > 1 GiB, never fewer than 1024; nf_conntrack_max
 * defaults to the bucket count. (Kernels before 5.15 give the same max above 4 GiB: 65 536
 * buckets x 4; this model uses the >= 5.15 rule for both.)
 */
export function kernelConntrackDefaults(memoryGiB: number): { max: number; buckets: number } {
  const bytes = memoryGiB * GIB;
  let buckets: number;
  if (bytes > 4 * GIB) buckets = 262_144;
  else if (bytes > GIB) buckets = 65_536;
  else buckets = Math.min(262_144, Math.max(1024, Math.floor(bytes / 131_072)));
  return { max: buckets, buckets };
}

/**
 * kube-proxy's cap on the value it scales from maxPerCore (conntrack.md §1.2; kubernetes#137002,
 * merged Feb 2026: "Capped nf_conntrack_max to 1,048,576 ... on high-core machines").
 */
export const KUBE_PROXY_SCALED_MAX_CAP = 1_048_576;

/**
 * conntrack.md §1.2: kube-proxy computes max(maxPerCore x cores, min) and writes it to
 * nf_conntrack_max whenever it differs, lowering the kernel's value as readily as raising it;
 * if hashsize < max/4 it writes hashsize = max/4. maxPerCore = 0 leaves the kernel's settings.
 * `cap` (0 = none, as before kubernetes#137002) bounds the scaled value; getConntrackMax in
 * pkg/proxy/conntrack/sysctls.go tests it before the floor, so above the cap `min` is ignored.
 */
export function nodeConntrackSizing(
  memoryGiB: number,
  cpus: number,
  maxPerCore: number,
  min: number,
  cap: number = KUBE_PROXY_SCALED_MAX_CAP,
): { max: number; buckets: number } {
  const kernel = kernelConntrackDefaults(memoryGiB);
  if (maxPerCore === 0) return kernel;
  const scaled = maxPerCore * cpus;
  const max = cap > 0 && scaled > cap ? cap : Math.max(scaled, min);
  return { max, buckets: Math.max(kernel.buckets, Math.floor(max / 4)) };
}
