/**
 * Guards between raw YAML and the rest of meshsim, for inputs that are valid YAML (or nearly)
 * but would crash or exhaust the parser: control characters, nesting deep enough to overflow
 * the stack, aliases to anchors that do not exist, aliases inside their own anchor (cycles),
 * and alias bombs (anchors of anchors, 9^6 values from a few lines). Each becomes a problem
 * with a line, and each check is iterative or bounded, so the guard itself cannot overflow.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Lexer, Parser, type Document, type LineCounter } from 'yaml';
import type { ScenarioProblem } from './errors.ts';

/** Deepest nesting accepted; a scenario needs about 10 (variants.x.set.services.a.app.serviceTime...). */
export const MAX_YAML_DEPTH = 64;
/** Most values the document may stand for once aliases are expanded; large scenarios have a few thousand. */
export const MAX_YAML_VALUES = 200_000;

/**
 * YAML forbids C0 control characters other than tab, LF and CR (YAML 1.2 §5.1, c-printable);
 * the parser lets NUL through into keys, where it made messages print it raw.
 */
export function controlCharacterProblem(text: string, lines: LineCounter): ScenarioProblem | undefined {
  const m = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text);
  if (!m) return undefined;
  const at = lines.linePos(m.index);
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return { path: '', line: at.line, column: at.col, message: `invalid YAML: control character ${code} (YAML text cannot contain control characters other than tab and line breaks)` };
}

/**
 * YAML 1.2 §5.4 counts a lone CR as a line break; the yaml library does not. Replacing it by LF
 * keeps every offset, so lines and columns stay right. A leading byte-order mark is dropped.
 */
export function normalizeLineBreaks(text: string): string {
  // A UTF-8 byte-order mark is no column in an editor, so it is none in messages either.
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.includes('\r') ? t.replace(/\r(?!\n)/g, '\n') : t;
}

/**
 * Scenarios are YAML 1.2. A `%YAML 1.1` directive would switch the parser to 1.1's rules for the
 * whole file: `on`/`yes` become true, `0755` octal, `1:30` the number 90, and `<<` a merge key
 * (README: refused); the same text would then mean something else with or without its first line.
 */
export function yamlVersionProblem(doc: Document, text: string, lines: LineCounter): ScenarioProblem | undefined {
  const version = doc.directives?.yaml;
  if (!version?.explicit || version.version === '1.2') return undefined;
  // The line that set it: with two directives (an error of its own), the later one wins.
  const m = new RegExp(`^%YAML[ \\t]+${version.version.replace(/\./g, '\\.')}\\b`, 'm').exec(text) ?? /^%YAML\b/m.exec(text);
  const at = lines.linePos(m?.index ?? 0);
  return { path: '', line: at.line, column: at.col, message: `invalid YAML: scenarios are YAML 1.2, not ${version.version} (remove the '%YAML ${version.version}' line)` };
}

/**
 * Nesting deeper than MAX_YAML_DEPTH, found before the document is composed (composing
 * recurses, and overflowed at about 800 levels as "Maximum call stack size exceeded", at a
 * depth that depended on the thread's stack size). Flow brackets are counted on the token
 * stream, which stops at the first one too deep; block nesting is measured on the CST.
 */
export function nestingProblem(text: string, lines: LineCounter): ScenarioProblem | undefined {
  const at = tooDeepFlow(text) ?? tooDeepBlock(text);
  if (at === undefined) return undefined;
  const pos = lines.linePos(at);
  return { path: '', line: pos.line, column: pos.col, message: tooDeepMessage('') };
}

function tooDeepMessage(via: string): string {
  return `invalid YAML: nested more than ${MAX_YAML_DEPTH} levels deep${via}; a scenario needs about 10`;
}

/** Offset of the first flow bracket that opens level MAX_YAML_DEPTH + 1, if any. */
function tooDeepFlow(text: string): number | undefined {
  let offset = 0;
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    // Control tokens (document start, flow end, scalar marker) are not source text.
    if (token.length === 1 && token < ' ' && token !== '\t' && token !== '\n' && token !== '\r') continue;
    if (token === '[' || token === '{') {
      if (++depth > MAX_YAML_DEPTH) return offset;
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    offset += token.length;
  }
  return undefined;
}

interface CstNode {
  type: string;
  offset: number;
  value?: CstNode;
  items?: { key?: CstNode | null; value?: CstNode }[];
}

/** Offset of the first CST node deeper than MAX_YAML_DEPTH (an explicit stack: no recursion). */
function tooDeepBlock(text: string): number | undefined {
  const stack: [CstNode, number][] = [];
  for (const token of new Parser().parse(text)) stack.push([token as CstNode, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_YAML_DEPTH) return node.offset;
    if (node.value) stack.push([node.value, depth]);
    for (const item of node.items ?? []) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Keys that are mappings or lists (`? [a, b]`, `{ {x: 1}: 2 }`): JavaScript objects have only
 * string keys, so the library turned the whole collection into one multi-line key, which then
 * filled messages. And aliases, checked before the document becomes JavaScript values (the
 * yaml library threw a bare ReferenceError for the first two, which meshsim reported as an
 * internal error):
 * - an alias whose anchor is not defined before it (`x: *a` with no `&a` above);
 * - an alias inside the value its anchor names (a cycle: infinitely deep);
 * - aliases that expand the document past MAX_YAML_VALUES values or MAX_YAML_DEPTH levels.
 * Anchors are resolved as YAML does (the latest `&a` before the alias), in one pass.
 */
export function structureProblems(doc: Document, lines: LineCounter): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const anchors = new Map<string, unknown>();
  const size = new Map<unknown, { values: number; depth: number }>();
  const open = new Set<unknown>();
  let total = 0;
  let overflowed = false;
  const problemAt = (node: unknown, message: string) => {
    const start = (node as { range?: [number] }).range?.[0] ?? 0;
    const pos = lines.linePos(start);
    problems.push({ path: '', line: pos.line, column: pos.col, message });
  };
  // Document order matters (an anchor applies to aliases after it), so this visits keys and
  // values in order. Depth is already bounded by nestingProblem, so recursion is safe here.
  const measure = (node: unknown): { values: number; depth: number } => {
    if (isPair(node)) {
      if (isMap(node.key) || isSeq(node.key)) problemAt(node.key, 'invalid YAML: a key must be a name, not a mapping or a list (is a `?` or a `{` misplaced?)');
      const k = measure(node.key);
      const v = measure(node.value);
      return { values: k.values + v.values, depth: Math.max(k.depth, v.depth) };
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        problemAt(node, `invalid YAML: alias *${node.source} refers to no anchor (define &${node.source} before the alias)`);
        return { values: 1, depth: 1 };
      }
      if (open.has(target)) {
        problemAt(node, `invalid YAML: alias *${node.source} is inside the value &${node.source} names, so it would never end`);
        return { values: 1, depth: 1 };
      }
      const expanded = size.get(target) ?? { values: 1, depth: 1 };
      total += expanded.values;
      if (!overflowed && total > MAX_YAML_VALUES) {
        overflowed = true;
        problemAt(node, `invalid YAML: aliases expand the document to more than ${MAX_YAML_VALUES} values (*${node.source} here alone stands for ${expanded.values}); a scenario needs a few thousand`);
      }
      return expanded;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor !== undefined) anchors.set(anchor, node);
    open.add(node);
    let result = { values: 1, depth: 1 };
    if (isMap(node) || isSeq(node)) {
      total += 1;
      let values = 1;
      let depth = 0;
      for (const item of node.items as unknown[]) {
        const m = measure(item);
        values += m.values;
        depth = Math.max(depth, m.depth);
      }
      result = { values, depth: depth + 1 };
    } else if (isScalar(node)) total += 1;
    open.delete(node);
    size.set(node, result);
    return result;
  };
  const whole = measure(doc.contents);
  if (whole.depth > MAX_YAML_DEPTH && problems.length === 0) problemAt(doc.contents, tooDeepMessage(' once its aliases are expanded'));
  return problems;
}
