/**
 * Problems found before validation: YAML syntax errors, and a document that is not a mapping.
 * The yaml library reports some mistakes where it noticed them rather than where they are;
 * these functions turn its errors into problems that point at the cause.
 */
import { isMap, isSeq, type Document, type LineCounter } from 'yaml';
import { pathToString, type ScenarioProblem } from './errors.ts';
import { keyText, offsetOf } from './locate.ts';

const MAPPING_HINT = 'a scenario is a YAML mapping with at least duration, services and workload';

/**
 * The document is empty (only comments) or is not a mapping. An empty file has no position
 * (line 0, as ScenarioProblem documents); otherwise point at where the content starts, which
 * is not line 1 when the file opens with comments.
 */
export function notAMapping(raw: unknown, doc: Document, lines: LineCounter): ScenarioProblem {
  const start = offsetOf(doc.contents);
  if (doc.contents === null || start === undefined) return { path: '', line: 0, column: 0, message: `the file is empty; ${MAPPING_HINT}` };
  const pos = lines.linePos(start);
  const got = Array.isArray(raw) ? 'a list' : raw === null ? 'null' : typeof raw === 'string' ? `the text ${JSON.stringify(raw)}` : `the value ${String(raw)}`;
  return { path: '', line: pos.line, column: pos.col, message: `${MAPPING_HINT} (got ${got})` };
}


interface YamlError {
  code: string;
  message: string;
  pos: [number, number];
  linePos?: [{ line: number; col: number }, ...unknown[]];
}

/**
 * One YAML syntax error. The yaml library reports two common mistakes where it noticed them
 * rather than where they are, and without naming what is wrong, so these two are rewritten:
 * - an unclosed `{` or `[` is reported on the next line at lower indentation ("Flow map in block
 *   collection must be sufficiently indented and end with a }"): point at the bracket instead;
 * - a duplicate key is "Map keys must be unique": name the key, its path, and the first one.
 * A second document ("Source contains multiple documents; please use YAML.parseAllDocuments()")
 * is said in the user's terms.
 */
export function yamlProblem(e: YamlError, doc: Document, lines: LineCounter): ScenarioProblem {
  const pos = e.linePos?.[0];
  const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const plain: ScenarioProblem = { path: '', message: `invalid YAML: ${first}`, line: pos?.line ?? 0, column: pos?.col ?? 0 };
  if (e.code === 'BAD_INDENT' && /^Flow (map|sequence)/.test(first)) {
    const open = unclosedFlowCollection(doc, e.pos[0]);
    if (open) {
      const at = lines.linePos(open.start);
      const [o, c] = open.seq ? ['[', ']'] : ['{', '}'];
      const where = pos ? ` before line ${pos.line}` : '';
      return { path: open.path, line: at.line, column: at.col, message: `invalid YAML: this '${o}' is never closed (expected '${c}'${where})` };
    }
  }
  if (e.code === 'MULTIPLE_DOCS') {
    // The library's message names its own API (parseAllDocuments); say what it means for the file.
    return { ...plain, message: "invalid YAML: a second document starts here ('---'); a scenario file holds one document" };
  }
  if (e.code === 'DUPLICATE_KEY') {
    const dup = duplicateKey(doc, e.pos[0]);
    if (dup) {
      const at = lines.linePos(dup.firstAt);
      return { ...plain, path: dup.path, message: `invalid YAML: duplicate key '${dup.key}' (first at line ${at.line})` };
    }
  }
  return plain;
}

type Visit = (node: unknown, path: PropertyKey[]) => void;

/** Calls `f` on every collection node below the document, with its path. */
function walk(node: unknown, path: PropertyKey[], f: Visit): void {
  f(node, path);
  if (isMap(node)) for (const pair of node.items) walk(pair.value, [...path, keyText(pair.key)], f);
  else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i], f));
}


/** The innermost flow collection that runs up to `offset` without its closing bracket. */
function unclosedFlowCollection(doc: Document, offset: number): { start: number; seq: boolean; path: string } | undefined {
  let found: { start: number; seq: boolean; path: string } | undefined;
  walk(doc.contents, [], (node, path) => {
    if (!(isMap(node) || isSeq(node)) || !node.flow || !node.range) return;
    const [start, end] = node.range;
    // A closed collection's range ends after its bracket; an unclosed one stops where the error is.
    if (end === offset && start < offset && (!found || start > found.start)) found = { start, seq: isSeq(node), path: pathToString(path) };
  });
  return found;
}

/** The duplicated key starting at `offset`: its text, path and where the first one is. */
function duplicateKey(doc: Document, offset: number): { key: string; path: string; firstAt: number } | undefined {
  let found: { key: string; path: string; firstAt: number } | undefined;
  walk(doc.contents, [], (node, path) => {
    if (found || !isMap(node)) return;
    const dup = node.items.find((p) => offsetOf(p.key) === offset);
    if (!dup) return;
    const key = keyText(dup.key);
    const first = node.items.find((p) => keyText(p.key) === key);
    found = { key, path: pathToString([...path, key]), firstAt: offsetOf(first?.key) ?? offset };
  });
  return found;
}
