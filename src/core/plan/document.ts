// A plan's text with positions: JSON pointers -> ranges, offsets -> line/character.
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Range } from '../findings';

export interface SyntaxProblem {
  message: string;
  range: Range;
}

export class PlanDocument {
  private readonly lineStarts: number[] = [0];
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
    const path = pointerToPath(pointer);
    for (let depth = path.length; depth >= 0; depth--) {
      const node = findNodeAtLocation(this.root, path.slice(0, depth));
      if (node) return node;
    }
    return this.root;
  }

  /** Range of the value at `pointer`; with `key`, the range of that property's name instead. */
  rangeAt(pointer: string, options: { key?: string } = {}): Range {
    const node = this.nodeAt(pointer);
    if (!node) return this.rangeOf(0, 0);
    if (options.key !== undefined && node.type === 'object') {
      const property = node.children?.find((p) => p.children?.[0]?.value === options.key);
      const keyNode = property?.children?.[0];
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
