import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/**
 * Maps a path in the parsed document back to a line in the YAML text. For a value that is
 * absent (a missing required key, a defaulted parent), the nearest present ancestor is used.
 * With `keyOf`, points at that key inside the map at `path` (for an unknown key).
 */
export function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[], keyOf?: string): Position {
  let node: unknown = doc.contents;
  let best = offsetOf(node);
  for (const seg of path) {
    const next = childOf(node, seg);
    if (next === undefined) break;
    node = next.value ?? next.key;
    best = offsetOf(next.key) ?? offsetOf(node) ?? best;
    if (next.value !== undefined) best = offsetOf(next.value) ?? best;
  }
  if (keyOf !== undefined && isMap(node)) {
    const pair = node.items.find((p) => keyText(p.key) === keyOf);
    if (pair) best = offsetOf(pair.key) ?? best;
  }
  if (best === undefined) return { line: 0, column: 0 };
  const pos = lines.linePos(best);
  return { line: pos.line, column: pos.col };
}

/** The YAML node for a path, or undefined if any segment is absent. */
export function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    const next = childOf(node, seg);
    if (next === undefined) return undefined;
    node = next.value;
  }
  return node as Node | undefined;
}

function childOf(node: unknown, seg: PropertyKey): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => keyText(p.key) === String(seg));
    return pair ? { key: pair.key, value: pair.value } : undefined;
  }
  if (isSeq(node)) {
    const item = node.items[Number(seg)];
    return item === undefined ? undefined : { key: item, value: item };
  }
  return undefined;
}

/**
 * A mapping key as text (a YAML key is a node; plain keys are scalars). A collection key is
 * never stringified: that composes it (aliases and all) and could throw; it names no field anyway.
 */
export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (isMap(key)) return '{…}';
  if (isSeq(key)) return '[…]';
  return String(key); // an alias prints as *name without composing
}

/** Offset in the text where a node starts, if it has a position. */
export function offsetOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}
