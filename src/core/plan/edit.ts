// Edits of the plan's text for the faces' item actions (include, exclude, map a collection):
// text in, one text edit out, comments and layout kept. The extension applies the edit to the
// open document, so undo works and the plan stays the single truth.
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, type FormattingOptions, type JSONPath, type Node } from 'jsonc-parser';
import { UserError } from '../errors';
import type { Finding } from '../findings';
import { sameUniqueId, stripRevision } from '../unique-id';
import { exclusion, type SelectionSubject } from './selection';
import type { GroupRef, MigrationPlan } from './types';

/** Replace `length` characters at `offset` with `content`. */
export interface PlanTextEdit {
  offset: number;
  length: number;
  content: string;
}

/** The edit can't be made: the message says what to change by hand. */
export class PlanEditError extends UserError {}

function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol: text.includes('\r\n') ? '\r\n' : '\n' }
    : { insertSpaces: true, tabSize: indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

function readPlan(text: string): { root: Node; plan: MigrationPlan } {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root || root.type !== 'object') throw new PlanEditError('The plan is not a JSON object: fix its syntax first.');
  return { root, plan: parse(text, [], { allowTrailingComma: true }) as MigrationPlan };
}

/** One edit from the original text to the changed one (the smallest differing span). */
function diff(before: string, after: string): PlanTextEdit[] {
  if (before === after) return [];
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return [{ offset: start, length: endBefore - start, content: after.slice(start, endAfter) }];
}

/** Where the rest of the line after `offset` ends when it holds only a `//` comment; else `offset`. */
function lineEndAfter(text: string, offset: number): number {
  const rest = /^[ \t]*\/\/[^\r\n]*/.exec(text.slice(offset));
  return rest ? offset + rest[0].length : offset;
}

class Editor {
  text: string;
  private readonly options: FormattingOptions;
  constructor(readonly original: string) {
    this.text = original;
    this.options = formatting(original);
  }
  set(path: JSONPath, value: unknown, insert = false): void {
    this.text = applyEdits(this.text, modify(this.text, path, value, { formattingOptions: this.options, isArrayInsertion: insert }));
  }
  private arrayNode(path: JSONPath): Node | undefined {
    const node = findNodeAtLocation(parseTree(this.text, [], { allowTrailingComma: true })!, path);
    if (node && node.type !== 'array') throw new PlanEditError(`${path.join('.')} in the plan is not a list: fix it first.`);
    return node;
  }
  array(path: JSONPath): string[] | undefined {
    return (
      this.arrayNode(path)?.children?.map((c) => (typeof c.value === 'string' ? c.value : '')) ?? (this.arrayNode(path) ? [] : undefined)
    );
  }
  /**
   * Removes every entry naming `uniqueId`, with its comma and a comment after it on its line.
   * By hand: jsonc-parser's modify garbles a one-line array when it removes the last entry.
   */
  removeId(path: JSONPath, uniqueId: string): void {
    for (;;) {
      const items = this.arrayNode(path)?.children ?? [];
      const i = items.findIndex((c) => typeof c.value === 'string' && sameUniqueId(c.value, uniqueId));
      if (i < 0) return;
      this.removeAt(path, i);
    }
  }
  /** Removes entry `i` of the list at `path`, with its comma and a comment after it on its line. */
  removeAt(path: JSONPath, i: number): void {
    const items = this.arrayNode(path)?.children ?? [];
    const item = items[i];
    if (!item) return;
    if (i < items.length - 1) {
      this.cut(item.offset, items[i + 1].offset);
    } else if (i === 0) {
      // the only entry: the list becomes [] again (with its comments, which were about it)
      const list = this.arrayNode(path)!;
      this.cut(list.offset + 1, list.offset + list.length - 1);
    } else {
      // the last of several: on a line of its own, the line goes (and a comment after it) with the
      // comma before it; in a one-line list, the comma and the entry go (a comment after the list stays)
      const lineStart = this.text.lastIndexOf('\n', item.offset - 1) + 1;
      const previousEnd = items[i - 1].offset + items[i - 1].length;
      const alone = /^[ \t]*$/.test(this.text.slice(lineStart, item.offset)) && lineStart > items[i - 1].offset;
      if (!alone) {
        this.cut(previousEnd, item.offset + item.length);
        return;
      }
      this.cut(lineStart - (this.text[lineStart - 2] === '\r' ? 2 : 1), lineEndAfter(this.text, item.offset + item.length));
      const comma = this.text.indexOf(',', previousEnd);
      if (comma >= 0 && comma < item.offset) this.cut(comma, comma + 1);
    }
  }
  append(path: JSONPath, value: unknown): void {
    const list = this.array(path);
    if (!list) this.set(path, [value]);
    else this.set([...path, list.length], value, true);
  }
  private cut(from: number, to: number): void {
    this.text = this.text.slice(0, from) + this.text.slice(to);
  }
  edits(): PlanTextEdit[] {
    return diff(this.original, this.text);
  }
}

/**
 * Selects the object for phase 1 (`include`) or leaves it out (`exclude`), with the fewest
 * changes to `import`: include takes it out of `import.exclude` and, when the plan lists
 * `import.include`, adds it there; exclude takes it out of `import.include` when the plan lists
 * one, else adds it to `import.exclude`. Empty when the plan already does what is asked.
 * Unique ids are written without their revision.
 */
export function selectionEdits(text: string, object: SelectionSubject, choice: 'include' | 'exclude'): PlanTextEdit[] {
  const { plan } = readPlan(text);
  const why = exclusion(plan, object);
  const id = stripRevision(object.uniqueId);
  const edit = new Editor(text);
  if (choice === 'include') {
    if (!why) return [];
    if (why.pointer === '/import') throw new PlanEditError(`"${object.name}" can't be imported: ${why.why}.`);
    if (why.pointer === '/import/kinds')
      throw new PlanEditError(
        `"${object.name}" is left out because ${why.why}: add the kind to import.kinds (that selects every object of the kind), then exclude the ones you don't want.`,
      );
    edit.removeId(['import', 'exclude'], id);
    const include = edit.array(['import', 'include']);
    if (include && !include.some((x) => sameUniqueId(x, id))) edit.append(['import', 'include'], id);
  } else {
    if (why) return [];
    if (edit.array(['import', 'include'])) edit.removeId(['import', 'include'], id);
    else edit.append(['import', 'exclude'], id);
  }
  return edit.edits();
}

/**
 * selectionEdits for several objects at once (a selection in the tree): one edit of the text, so
 * the change is one step to undo. An object that can't be included is named in the error, and
 * nothing is changed.
 */
export function selectionEditsMany(text: string, objects: SelectionSubject[], choice: 'include' | 'exclude'): PlanTextEdit[] {
  let after = text;
  for (const object of objects) after = applyEdits(after, selectionEdits(after, object, choice));
  return diff(text, after);
}

/**
 * Maps a collection to one Entra ID group in `groups.map`, replacing what the plan said for it.
 * The group goes in by id: display names can repeat in a tenant.
 */
export function groupMapEdits(text: string, collectionId: string, group: { id: string }): PlanTextEdit[] {
  readPlan(text);
  const edit = new Editor(text);
  const ref: GroupRef = { id: group.id };
  edit.set(['groups', 'map', collectionId], [ref]);
  return edit.edits();
}

/**
 * Points the plan's site at a snapshot file (`"site": { "source": "snapshot", "path": ... }`),
 * e.g. after "Export site snapshot": the plan then reads the file, offline, instead of the database.
 */
export function siteSnapshotEdits(text: string, path: string): PlanTextEdit[] {
  readPlan(text);
  const edit = new Editor(text);
  edit.set(['site'], { source: 'snapshot', path });
  return edit.edits();
}

/** A fix the editor offers for a finding (a code action): a title and the edit of the plan's text. */
export interface PlanQuickFix {
  title: string;
  edits: PlanTextEdit[];
  /** The fix to apply by default (VS Code's "preferred" quick fix). */
  preferred?: boolean;
}

/** `/waves/1/users/0` as a jsonc path. */
function pathOf(pointer: string): JSONPath {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/**
 * The fixes with one obvious edit, for the product's plan findings (plan/checks.ts): a user in two
 * waves, an id both included and excluded, a secret, encryption turned off. None for the others:
 * their fix needs the admin (which wave, which tenant id). Empty when the text no longer has the
 * finding's place.
 */
export function planQuickFixes(text: string, finding: Pick<Finding, 'code' | 'pointer'>): PlanQuickFix[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return [];
  const path = pathOf(finding.pointer);
  const node = findNodeAtLocation(root, path);
  if (!node) return [];
  const fix = (title: string, change: (edit: Editor) => void, preferred = false): PlanQuickFix => {
    const edit = new Editor(text);
    change(edit);
    return { title, edits: edit.edits(), ...(preferred ? { preferred } : {}) };
  };
  const list = path.slice(0, -1);
  const index = path[path.length - 1];
  switch (finding.code) {
    case 'plan/user-in-two-waves': {
      const wave = findNodeAtLocation(root, [...path.slice(0, 2), 'name'])?.value as unknown;
      return typeof index === 'number'
        ? [
            fix(
              `Remove "${String(node.value)}" from ${typeof wave === 'string' ? `wave "${wave}"` : 'this wave'}`,
              (e) => e.removeAt(list, index),
              true,
            ),
          ]
        : [];
    }
    case 'plan/included-and-excluded': {
      if (typeof index !== 'number' || typeof node.value !== 'string') return [];
      const id = node.value;
      return [
        fix(`Remove "${id}" from import.${String(path[1])}`, (e) => e.removeAt(list, index)),
        fix(`Remove "${id}" from import.exclude`, (e) => e.removeId(['import', 'exclude'], id)),
      ];
    }
    case 'plan/secret-in-plan':
      return [fix(`Remove "${String(index)}" from the plan (secrets never go in a plan)`, (e) => e.set(path, undefined), true)];
    case 'plan/encryption-off':
      return [fix('Remove "encrypt": false (encrypt the connection)', (e) => e.set(path, undefined), true)];
    default:
      return [];
  }
}

/** The text after the edits (for tests and the CLI). */
export function applyPlanEdits(text: string, edits: PlanTextEdit[]): string {
  return applyEdits(text, edits);
}
