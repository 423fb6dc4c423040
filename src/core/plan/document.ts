// A plan's text with positions: JSON pointers -> ranges, offsets -> line/character.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Range } from '../findings';

export interface SyntaxProblem {
  message: string;
  range: Range;
}

export class PlanDocument {
  private readonly lineStarts: number[] = [0];
  /** JSON pointer -> node, built once on first use: a lookup per finding stays O(1). */
  private pointers: Map<string, Node> | undefined;
  readonly root: Node | undefined;
  readonly syntaxProblems: SyntaxProblem[];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    const errors: ParseError[] = [];
    this.root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
    this.syntaxProblems = errors.map((e) => ({
      message: describeParseError(printParseErrorCode(e.error)),
      range: this.rangeOf(e.offset, Math.max(e.length, 1)),
    }));
  }

  rangeOf(offset: number, length: number): Range {
    return { start: this.positionAt(offset), end: this.positionAt(offset + length) };
  }

  positionAt(offset: number) {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.lineStarts[low] };
  }

  /** The node at a JSON pointer, or the deepest existing ancestor. */
  nodeAt(pointer: string): Node | undefined {
    if (!this.root) return undefined;
    const index = (this.pointers ??= indexPointers(this.root));
    const path = pointerToPath(pointer);
    for (let depth = path.length; depth >= 0; depth--) {
      const node = index.get(pathToPointer(path.slice(0, depth)));
      if (node) return node;
    }
    return this.root;
  }

  /** Range of the value at `pointer`; with `key`, the range of that property's name instead. */
  rangeAt(pointer: string, options: { key?: string } = {}): Range {
    const node = this.nodeAt(pointer);
    if (!node) return this.rangeOf(0, 0);
    if (options.key !== undefined && node.type === 'object') {
      const value = this.pointers!.get(`${pathToPointer(pointerToPath(pointer))}${pathToPointer([options.key])}`);
      const keyNode = value?.parent?.type === 'property' && value.parent.parent === node ? value.parent.children?.[0] : undefined;
      if (keyNode) return this.rangeOf(keyNode.offset, keyNode.length);
    }
    // A property's value: point at `"name": value` start for objects/arrays to keep ranges short.
    if ((node.type === 'object' || node.type === 'array') && node.parent?.type === 'property') {
      const keyNode = node.parent.children![0];
      return this.rangeOf(keyNode.offset, keyNode.length);
    }
    if (node.type === 'object' || node.type === 'array') return this.rangeOf(node.offset, 1);
    return this.rangeOf(node.offset, node.length);
  }
}

/**
 * Every value's pointer, in one iterative walk (a plan nested thousands deep must not overflow the
 * stack). A repeated key keeps its first value, as jsonc-parser's lookup did.
 */
function indexPointers(root: Node): Map<string, Node> {
  const index = new Map<string, Node>();
  const stack: [Node, string][] = [[root, '']];
  while (stack.length) {
    const [node, pointer] = stack.pop()!;
    if (index.has(pointer)) continue;
    index.set(pointer, node);
    const children = node.children ?? [];
    // Pushed in reverse, so the first of two repeated keys is indexed first.
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (node.type === 'array') stack.push([child, `${pointer}/${i}`]);
      else if (node.type === 'object' && child.type === 'property' && child.children?.[1]) {
        stack.push([child.children[1], pointer + pathToPointer([String(child.children[0].value)])]);
      }
    }
  }
  return index;
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

export function pathToPointer(path: (string | number)[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'a property name in double quotes is expected',
    ValueExpected: 'a value is expected',
    ColonExpected: "':' is expected",
    CommaExpected: "',' is expected",
    CloseBraceExpected: "'}' is expected",
    CloseBracketExpected: "']' is expected",
    EndOfFileExpected: 'nothing may follow the plan object',
    InvalidCommentToken: 'unterminated comment',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string',
  };
  return words[code] ?? code;
}
