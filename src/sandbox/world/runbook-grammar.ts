// The real PowerShell grammar (tree-sitter-powershell, WASM through web-tree-sitter): no native
// build, no install script. Loaded once per process; every runbook parse reuses the parser.
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

let parserPromise: Promise<Parser> | undefined;

export function powershellParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface SyntaxError {
  /** 1-based line and column (columns count UTF-16 code units, as editors do). */
  line: number;
  column: number;
  text: string;
  message: string;
}

/** Every ERROR and MISSING node, outermost first, in source order. */
export function syntaxErrors(tree: Tree): SyntaxError[] {
  const errors: SyntaxError[] = [];
  if (!tree.rootNode.hasError) return errors;
  const stack: Node[] = [tree.rootNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.isMissing) {
      errors.push({ ...position(node), text: '', message: `missing ${JSON.stringify(node.type)}` });
      continue;
    }
    if (node.isError) {
      const text = firstLine(node.text);
      errors.push({ ...position(node), text, message: `syntax error at ${JSON.stringify(text)}` });
      continue;
    }
    if (!node.hasError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return errors;
}

export function position(node: Node): { line: number; column: number } {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

export function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
