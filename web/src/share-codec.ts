/**
 * The share link: a run's inputs (scenario text, its file name, the seed and which variants
 * run) packed into the URL fragment, so a link reproduces the run exactly. The fragment never
 * reaches a server, so sharing a scenario leaks it to nobody but the recipient.
 *
 * Format: `#run=v1.<base64url(deflate-raw(JSON))>`. Compression uses the platform's
 * CompressionStream (browsers, Node 18+): no library, and a 5 kB scenario becomes ~1.5 kB.
 */
export interface SharedRun {
  /** The file name the scenario came from; it is the scenario's default name, so it shapes results. */
  file: string;
  yaml: string;
  seed: number;
  /** Variants that run besides the base. */
  variants: string[];
}

export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

const PREFIX = 'v1.';
const KEY = 'run=';

export async function encodeShare(run: SharedRun): Promise<string> {
  const json = JSON.stringify({ f: run.file, y: run.yaml, s: run.seed, v: run.variants });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  return `${KEY}${PREFIX}${toBase64Url(packed)}`;
}

/** The fragment (with or without its '#'); throws ShareLinkError when it is not a share link. */
export async function decodeShare(fragment: string): Promise<SharedRun> {
  const body = fragment.replace(/^#/, '');
  if (!body.startsWith(KEY + PREFIX)) throw new ShareLinkError('not a meshsim share link (expected #run=v1.…)');
  const packed = fromBase64Url(body.slice(KEY.length + PREFIX.length));
  let value: unknown;
  try {
    const bytes = await pipe(packed, new DecompressionStream('deflate-raw'));
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ShareLinkError('the share link is damaged (it did not decompress); was it cut short?');
  }
  const v = value as { f?: unknown; y?: unknown; s?: unknown; v?: unknown };
  if (typeof v.f !== 'string' || typeof v.y !== 'string' || !Number.isSafeInteger(v.s) || !Array.isArray(v.v) || !v.v.every((x) => typeof x === 'string')) {
    throw new ShareLinkError('the share link is damaged (its contents are not a scenario, seed and variants)');
  }
  return { file: v.f, yaml: v.y, seed: v.s as number, variants: v.v as string[] };
}

/** Whether a fragment is meant as a share link (so the page should try to open it). */
export function isShareFragment(fragment: string): boolean {
  return fragment.replace(/^#/, '').startsWith(KEY);
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes.slice().buffer as ArrayBuffer]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareLinkError('the share link has characters base64url does not use');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
