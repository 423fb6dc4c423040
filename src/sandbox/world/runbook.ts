// The simulated ConfigMgr console's runbook interpreter: a PowerShell runbook for the
// ConfigurationManager module, parsed with a real PowerShell grammar, checked whole against the
// subset below (anything else is refused with its line before a single cmdlet runs), then run
// against a SiteConsole as the SMS Provider would apply it. docs/sandbox-console.md lists the
// subset; this file and runbook-cmdlets.ts are its definition.
import { ConsoleError, type ConsoleCollection, type SiteConsole } from './console';
import { canonicalParam, cmdletSpec, errorActions, refusedOnPurpose, type CmdletSpec } from './runbook-cmdlets';
import { firstLine, position, powershellParser, syntaxErrors, type Node, type SyntaxError, type Tree } from './runbook-grammar';

export type { SyntaxError } from './runbook-grammar';

// ---------------------------------------------------------------------------------------------
// Results

export interface RunbookRefused {
  outcome: 'refused';
  line: number;
  column: number;
  /** The refused source line (trimmed to 120 characters). */
  text: string;
  reason: string;
}

export type TranscriptEffect = 'changed' | 'unchanged' | 'read' | 'skipped' | 'output' | 'error';

export interface TranscriptEntry {
  line: number;
  /** The cmdlet (or `throw`) as written in the runbook. */
  command: string;
  effect: TranscriptEffect;
  detail: string;
}

export interface RunbookTranscript {
  outcome: 'completed' | 'failed';
  dryRun: boolean;
  entries: TranscriptEntry[];
  /** Entries whose effect is `changed`: 0 when the runbook changed nothing on the site. */
  changes: number;
  /** Set when the runbook stopped on a terminating error or `throw`. */
  failure?: { line: number; column: number; message: string };
  /** Syntax-tree nodes the check and the run visited (for bounded-work tests). */
  nodesVisited: number;
}

export interface ApplyOptions {
  /** The value of the runbook's own `[switch]$DryRun` parameter. */
  dryRunSwitch?: boolean;
  /** Called with each transcript entry as it happens. */
  log?: (entry: TranscriptEntry) => void;
  /** What `(Get-CMSite).BuildNumber` reports: 8853 (1906, the last hybrid-capable version) unless given. */
  siteBuildNumber?: number;
}

/** The hybrid-era console the runbook meets unless told otherwise: ConfigMgr 1906. */
const defaultBuildNumber = 8853;

export interface ParsedRunbook {
  text: string;
  tree: Tree;
  syntaxErrors: SyntaxError[];
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Parse with tree-sitter-powershell. The caller owns `tree` (call `tree.delete()` when done). */
export async function parseRunbook(text: string): Promise<ParsedRunbook> {
  const parser = await powershellParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('the PowerShell parser returned no tree');
  return { text, tree, syntaxErrors: syntaxErrors(tree) };
}

/** Syntax errors (line/column, 1-based) of a runbook: empty when it parses. */
export async function checkRunbook(text: string): Promise<SyntaxError[]> {
  const parsed = await parseRunbook(text);
  try {
    return parsed.syntaxErrors;
  } finally {
    parsed.tree.delete();
  }
}

/** Check the whole runbook against the subset, then run it; nothing is applied when it is refused. */
export async function applyRunbook(
  text: string,
  console: SiteConsole,
  options: ApplyOptions = {},
): Promise<RunbookTranscript | RunbookRefused> {
  const parsed = await parseRunbook(text);
  try {
    const first = parsed.syntaxErrors[0];
    if (first) {
      return {
        outcome: 'refused',
        line: first.line,
        column: first.column,
        text: lineText(text, first.line),
        reason: `PowerShell syntax error: ${first.message}`,
      };
    }
    const validator = new Validator(text, console.siteCode);
    const refusal = validator.program(parsed.tree.rootNode);
    if (refusal) return refusal;
    if (options.dryRunSwitch && !validator.hasDryRun) {
      return {
        outcome: 'refused',
        line: 1,
        column: 1,
        text: lineText(text, 1),
        reason: 'a dry run was asked for, but the runbook declares no [switch]$DryRun parameter',
      };
    }
    const run = new Interpreter(console, options, validator.nodes);
    return run.program(parsed.tree.rootNode);
  } finally {
    parsed.tree.delete();
  }
}

function lineText(text: string, line: number): string {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  return firstLine(text.slice(start, start + 400)).trim();
}

// ---------------------------------------------------------------------------------------------
// Shared shape helpers

/** Expression layers whose children are operands separated by operator tokens. */
const chainTypes = new Set([
  'logical_expression',
  'bitwise_expression',
  'comparison_expression',
  'additive_expression',
  'multiplicative_expression',
  'format_expression',
  'range_expression',
  'array_literal_expression',
]);

const isOperator = (node: Node): boolean => !node.isNamed || node.type === 'comparison_operator';

const comparisonOps = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains', 'notcontains', 'in', 'notin']);
const allowedChainOps = new Set(['-and', '-or', '+', '-', ',']);

function comparisonOp(text: string): { op: string; caseSensitive: boolean } | undefined {
  const word = text.toLowerCase().replace(/^-/, '');
  if (comparisonOps.has(word)) return { op: word, caseSensitive: false };
  // -ieq / -ceq: explicitly case-insensitive / case-sensitive (-contains itself starts with a c).
  const op = word.slice(1);
  if ((word.startsWith('i') || word.startsWith('c')) && comparisonOps.has(op)) return { op, caseSensitive: word.startsWith('c') };
  return undefined;
}

const refusedVariables = new Set([
  '_',
  'psitem',
  'args',
  'input',
  'this',
  'psscriptroot',
  'pscommandpath',
  'host',
  'psversiontable',
  'myinvocation',
  'psboundparameters',
  'error',
  'lastexitcode',
  '?',
  '^',
  '$',
  'executioncontext',
  'pwd',
]);

function variableName(node: Node): string {
  return node.text.replace(/^[$@]\{?/, '').replace(/\}$/, '');
}

const importForms: RegExp[] = [
  /^\(join-path \$env:sms_admin_ui_path ['"]\.\.\\configurationmanager\.psd1['"]\)$/i,
  /^\(\$env:sms_admin_ui_path\.substring\(0, ?\$env:sms_admin_ui_path\.length ?- ?5\) ?\+ ?['"]\\configurationmanager\.psd1['"]\)$/i,
  /^"\$(env:sms_admin_ui_path|\(\$env:sms_admin_ui_path\))\\\.\.\\configurationmanager\.psd1"$/i,
  /^(['"]?)[a-z]:\\[^'"]*\\configurationmanager\.psd1\1$/i,
];

const importByName = /^(['"]?)configurationmanager\1$/i;

interface BoundArgs {
  named: Map<string, { node: Node; value: Node | null }>;
  positional: Node[];
}

// ---------------------------------------------------------------------------------------------
// The check: every node of the runbook, before anything runs

class Refused extends Error {
  constructor(
    readonly node: Node,
    readonly reason: string,
  ) {
    super(reason);
  }
}

class Validator {
  nodes = 0;
  hasDryRun = false;

  constructor(
    private readonly text: string,
    private readonly siteCode: string,
  ) {}

  program(root: Node): RunbookRefused | undefined {
    try {
      for (const child of root.namedChildren) {
        this.nodes++;
        if (child.type === 'comment') continue;
        if (child.type === 'param_block') this.paramBlock(child);
        else if (child.type === 'statement_list') this.statements(child, 0);
        else throw new Refused(child, `${describe(child)} is outside the runbook subset`);
      }
      return undefined;
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      const at = position(error.node);
      return { outcome: 'refused', ...at, text: lineText(this.text, at.line), reason: error.reason };
    }
  }

  private paramBlock(node: Node): void {
    for (const child of node.namedChildren) {
      this.nodes++;
      if (child.type === 'attribute_list') {
        // [CmdletBinding()] only: other attributes change how the script binds and runs.
        if (!/^\[CmdletBinding\(\)\]$/i.test(child.text.replace(/\s+/g, '')))
          throw new Refused(child, `attribute ${child.text} is outside the runbook subset (only [CmdletBinding()])`);
        continue;
      }
      if (child.type !== 'parameter_list') throw new Refused(child, `${describe(child)} in param() is outside the runbook subset`);
      for (const parameter of child.namedChildren) {
        this.nodes++;
        if (parameter.type === 'comment') continue;
        if (!/^\[switch\]\s*\$DryRun$/i.test(parameter.text.trim())) {
          throw new Refused(parameter, `parameter ${parameter.text.trim()} is outside the runbook subset (only [switch]$DryRun)`);
        }
        this.hasDryRun = true;
      }
    }
  }

  private statements(list: Node, loops: number): void {
    for (const statement of list.namedChildren) this.statement(statement, loops);
  }

  private statement(node: Node, loops: number): void {
    this.nodes++;
    switch (node.type) {
      case 'comment':
      case 'empty_statement':
        return;
      case 'pipeline':
        return this.pipeline(node);
      case 'if_statement':
        return this.ifStatement(node, loops);
      case 'foreach_statement':
        return this.foreachStatement(node, loops);
      case 'flow_control_statement':
        return this.flowControl(node, loops);
      default:
        throw new Refused(node, `${describe(node)} is outside the runbook subset`);
    }
  }

  private flowControl(node: Node, loops: number): void {
    const keyword = node.child(0)?.text.toLowerCase();
    if (keyword === 'throw') {
      for (const child of node.namedChildren) this.pipeline(child);
      return;
    }
    if (keyword === 'return' && node.namedChildCount === 0) return;
    if ((keyword === 'break' || keyword === 'continue') && node.namedChildCount === 0 && loops > 0) return;
    throw new Refused(
      node,
      `${keyword ?? 'flow control'} ${keyword === 'break' || keyword === 'continue' ? 'outside a foreach loop ' : ''}is outside the runbook subset`,
    );
  }

  private block(node: Node, loops: number): void {
    this.nodes++;
    if (node.type !== 'statement_block') throw new Refused(node, `${describe(node)} is outside the runbook subset`);
    for (const child of node.namedChildren) {
      if (child.type === 'statement_list') this.statements(child, loops);
      else this.statement(child, loops);
    }
  }

  private ifStatement(node: Node, loops: number): void {
    for (const child of node.namedChildren) {
      this.nodes++;
      if (child.type === 'pipeline') this.pipeline(child);
      else if (child.type === 'statement_block') this.block(child, loops);
      else if (child.type === 'elseif_clauses') {
        for (const clause of child.namedChildren) {
          for (const part of clause.namedChildren) {
            if (part.type === 'pipeline') this.pipeline(part);
            else if (part.type !== 'comment') this.block(part, loops);
          }
        }
      } else if (child.type === 'else_clause') {
        for (const part of child.namedChildren) if (part.type !== 'comment') this.block(part, loops);
      } else if (child.type !== 'comment') throw new Refused(child, `${describe(child)} in an if statement is outside the runbook subset`);
    }
  }

  private foreachStatement(node: Node, loops: number): void {
    const named = node.namedChildren.filter((child) => child.type !== 'comment');
    const [variable, source, body] = named;
    if (named.length !== 3 || variable?.type !== 'variable' || source?.type !== 'pipeline' || body?.type !== 'statement_block') {
      throw new Refused(node, 'this form of foreach is outside the runbook subset (only foreach ($x in <expression>) { ... })');
    }
    this.variable(variable, true);
    this.pipeline(source);
    this.block(body, loops + 1);
  }

  private pipeline(node: Node): void {
    this.nodes++;
    if (node.type !== 'pipeline') return this.expression(node);
    const inner = node.namedChildren.filter((child) => child.type !== 'comment');
    const [only] = inner;
    if (inner.length !== 1 || !only) throw new Refused(node, `${describe(node)} is outside the runbook subset`);
    if (only.type === 'assignment_expression') return this.assignment(only);
    if (only.type !== 'pipeline_chain') throw new Refused(only, `${describe(only)} is outside the runbook subset`);
    const stages = only.namedChildren.filter((child) => child.type !== 'comment');
    for (const token of only.children) {
      if (!token.isNamed && token.text !== '|')
        throw new Refused(token, `the pipeline-chain operator ${token.text} is outside the runbook subset`);
    }
    stages.forEach((stage, index) => {
      if (index > 0) {
        const name = stage.type === 'command' ? commandName(stage) : undefined;
        if (
          index !== stages.length - 1 ||
          name?.toLowerCase() !== 'out-null' ||
          (stage.childForFieldName('command_elements')?.namedChildCount ?? 0) > 0
        ) {
          throw new Refused(stage, `a pipeline into ${name ?? describe(stage)} is outside the runbook subset (only | Out-Null)`);
        }
        return;
      }
      if (stage.type === 'command') this.command(stage);
      else this.expression(stage);
    });
  }

  private assignment(node: Node): void {
    const left = node.namedChildren[0];
    const operator = node.children.find((child) => child.type === 'assignement_operator' || child.type === 'assignment_operator');
    const value = node.childForFieldName('value');
    if (!left || !value) throw new Refused(node, 'this assignment is outside the runbook subset');
    if (operator?.text !== '=')
      throw new Refused(operator ?? node, `the assignment operator ${operator?.text ?? '?'} is outside the runbook subset (only =)`);
    const target = unwrap(left);
    if (target.type !== 'variable')
      throw new Refused(left, `assigning to ${left.text} is outside the runbook subset (only to a plain $variable)`);
    this.variable(target, true);
    this.pipeline(value);
  }

  private variable(node: Node, assigned: boolean): void {
    this.nodes++;
    if (node.text.startsWith('@')) throw new Refused(node, `splatting (${node.text}) is outside the runbook subset`);
    const name = variableName(node);
    if (name.includes(':')) throw new Refused(node, `the scope- or drive-qualified variable ${node.text} is outside the runbook subset`);
    const lower = name.toLowerCase();
    if (refusedVariables.has(lower)) throw new Refused(node, `the automatic variable ${node.text} is outside the runbook subset`);
    if (assigned && (lower === 'true' || lower === 'false')) throw new Refused(node, `${node.text} is read-only`);
    if (assigned && lower === 'dryrun')
      throw new Refused(node, "assigning to $DryRun is outside the runbook subset: the dry-run switch is the caller's");
  }

  private expression(node: Node): void {
    this.nodes++;
    const type = node.type;
    if (chainTypes.has(type)) {
      for (const child of node.children) {
        if (child.type === 'comment') continue;
        if (isOperator(child)) {
          const text = child.text.toLowerCase();
          if (
            type === 'comparison_expression'
              ? !comparisonOp(text)
              : !allowedChainOps.has(text) || (text === ',' && type !== 'array_literal_expression')
          ) {
            throw new Refused(child, `the operator ${child.text} is outside the runbook subset`);
          }
        } else this.expression(child);
      }
      return;
    }
    switch (type) {
      case 'unary_expression':
      case 'string_literal':
      case 'integer_literal':
        for (const child of node.namedChildren) this.expression(child);
        return;
      case 'decimal_integer_literal':
      case 'hexadecimal_integer_literal':
      case 'real_literal':
      case 'verbatim_string_characters':
      case 'generic_token':
        return;
      case 'expandable_string_literal':
        for (const child of node.namedChildren) {
          if (child.type === 'variable') this.variable(child, false);
          else if (child.type === 'sub_expression') this.expression(child);
          else throw new Refused(child, `${describe(child)} inside a string is outside the runbook subset`);
        }
        return;
      case 'variable':
        return this.variable(node, false);
      case 'expression_with_unary_operator': {
        const operator = node.child(0);
        const text = operator?.text.toLowerCase();
        if (text !== '-not' && text !== '!' && text !== '-')
          throw new Refused(node, `the unary operator ${operator?.text ?? '?'} is outside the runbook subset`);
        for (const child of node.namedChildren) this.expression(child);
        return;
      }
      case 'member_access': {
        const [target, member] = node.namedChildren;
        const name = member?.namedChildren[0];
        if (!target || !member || node.children.some((child) => child.text === '::') || name?.type !== 'simple_name') {
          throw new Refused(node, `the member access ${node.text} is outside the runbook subset (only $object.Property)`);
        }
        return this.expression(target);
      }
      case 'element_access': {
        for (const child of node.namedChildren) this.expression(child);
        return;
      }
      case 'parenthesized_expression':
      case 'array_expression':
      case 'sub_expression':
        for (const child of node.namedChildren) {
          if (child.type === 'statement_list') this.statements(child, 0);
          else this.pipeline(child);
        }
        return;
      case 'invokation_expression':
        throw new Refused(node, `the method call ${firstLine(node.text)} is outside the runbook subset (no .NET or method calls)`);
      case 'script_block_expression':
        throw new Refused(node, 'a script block is outside the runbook subset (only if/foreach bodies)');
      case 'hash_literal_expression':
        throw new Refused(node, 'a hashtable is outside the runbook subset');
      case 'type_literal':
      case 'cast_expression':
        throw new Refused(node, `the type expression ${firstLine(node.text)} is outside the runbook subset (no .NET types)`);
      case 'expandable_here_string_literal':
      case 'verbatim_here_string_characters':
        throw new Refused(node, 'a here-string is outside the runbook subset');
      case 'command':
        return this.command(node);
      default:
        throw new Refused(node, `${describe(node)} is outside the runbook subset`);
    }
  }

  private command(node: Node): void {
    this.nodes++;
    if (node.children.some((child) => child.type === 'command_invokation_operator')) {
      throw new Refused(node, `the call operator (${node.child(0)?.text ?? '&'}) is outside the runbook subset`);
    }
    const nameNode = node.childForFieldName('command_name');
    if (nameNode?.type !== 'command_name') throw new Refused(node, `the command ${firstLine(node.text)} is outside the runbook subset`);
    const name = nameNode.text;
    const spec = cmdletSpec(name);
    if (!spec || name.toLowerCase() === 'out-null') {
      const why = refusedOnPurpose[name.toLowerCase()];
      throw new Refused(node, `the cmdlet ${name} is outside the runbook subset${why ? `: ${why}` : ''}`);
    }
    const args = bindArguments(node, spec);
    if (spec.name === 'Import-Module') return this.importModule(node, args);
    for (const [param, { node: paramNode, value }] of args.named) {
      if (param === 'ErrorAction') {
        if (!value || !errorActions.some((action) => action.toLowerCase() === literalText(value)?.toLowerCase())) {
          throw new Refused(paramNode, `-ErrorAction takes ${errorActions.join(', ')} here`);
        }
        continue;
      }
      const allowed = spec.values?.[param];
      const literal = value ? literalText(value) : undefined;
      if (allowed && literal !== undefined && !allowed.some((candidate) => candidate.toLowerCase() === literal.toLowerCase())) {
        throw new Refused(paramNode, `${spec.name} -${param} takes ${allowed.join(', ')}, not ${literal}`);
      }
      if (value) this.expression(value);
    }
    if (args.positional.length > 0) {
      if (!spec.positional)
        throw new Refused(
          args.positional[0]!,
          `${spec.name} takes named parameters only here (a positional argument ${firstLine(args.positional[0]!.text)})`,
        );
      if (args.named.has(spec.positional)) throw new Refused(args.positional[0]!, `${spec.name}: -${spec.positional} is given twice`);
      const multiple = spec.name.startsWith('Write-');
      if (args.positional.length > 1 && !multiple) throw new Refused(args.positional[1]!, `${spec.name} takes one positional argument`);
      for (const positional of args.positional) this.expression(positional);
    }
    const present = new Set(args.named.keys());
    if (spec.positional && args.positional.length > 0) present.add(spec.positional);
    for (const required of spec.required ?? []) {
      if (!present.has(required)) throw new Refused(node, `${spec.name} needs -${required}`);
    }
    for (const group of spec.exactlyOne ?? []) {
      const given = group.filter((param) => present.has(param));
      if (given.length !== 1) {
        throw new Refused(
          node,
          `${spec.name} needs exactly one of ${group.map((param) => `-${param}`).join(', ')} (parameter sets)${given.length > 1 ? `, got ${given.map((param) => `-${param}`).join(' and ')}` : ''}`,
        );
      }
    }
    if (spec.name.startsWith('Remove-') && !args.named.has('Force')) {
      throw new Refused(
        node,
        `${spec.name} without -Force stops at a confirmation prompt: add -Force (the runbook checks before it removes)`,
      );
    }
    if (spec.name === 'Set-Location' || spec.name === 'Push-Location') this.location(node, args);
  }

  private importModule(node: Node, args: BoundArgs): void {
    const target = args.named.get('Name')?.value ?? args.positional[0];
    if (!target || args.positional.length > 1 || [...args.named.keys()].some((param) => param !== 'Name' && param !== 'ErrorAction')) {
      throw new Refused(node, 'Import-Module takes the ConfigurationManager module path only');
    }
    const text = target.text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');
    if (importByName.test(text)) {
      throw new Refused(
        node,
        "Import-Module ConfigurationManager by name works from ConfigMgr 2111 on; a hybrid-era console (1906 or older) needs the path: Import-Module (Join-Path $env:SMS_ADMIN_UI_PATH '..\\ConfigurationManager.psd1')",
      );
    }
    if (!importForms.some((form) => form.test(text))) {
      throw new Refused(node, `Import-Module ${firstLine(target.text)} is not a ConfigurationManager module path form this console knows`);
    }
  }

  private location(node: Node, args: BoundArgs): void {
    const target = args.named.get('Path')?.value ?? args.positional[0];
    const literal = target ? literalText(target) : undefined;
    if (literal === undefined) return; // computed: checked when it runs
    const drive = /^([A-Za-z0-9]+):\\?$/.exec(literal);
    if (drive && drive[1]!.length > 1 && drive[1]!.toUpperCase() !== this.siteCode.toUpperCase()) {
      throw new Refused(node, `this console's site code is ${this.siteCode}; the runbook sets the location to ${literal}`);
    }
  }
}

/** The text of a literal argument (bare word or single-quoted or plain double-quoted string). */
function literalText(node: Node): string | undefined {
  const inner = unwrap(node);
  if (inner.type === 'generic_token') return inner.text;
  if (inner.type === 'string_literal') {
    const literal = inner.namedChildren[0];
    if (literal?.type === 'verbatim_string_characters') return verbatim(literal.text);
    if (literal?.type === 'expandable_string_literal' && literal.namedChildCount === 0) return expandLiteral(literal.text.slice(1, -1));
  }
  return undefined;
}

/** Down through single-operand expression layers to the node that carries the value. */
function unwrap(node: Node): Node {
  let current = node;
  while (
    (chainTypes.has(current.type) || current.type === 'unary_expression' || current.type === 'left_assignment_expression') &&
    current.childCount === 1
  ) {
    current = current.child(0)!;
  }
  return current;
}

function commandName(node: Node): string | undefined {
  return node.childForFieldName('command_name')?.text;
}

function describe(node: Node): string {
  const names: Record<string, string> = {
    while_statement: 'a while loop',
    do_statement: 'a do loop',
    for_statement: 'a for loop',
    switch_statement: 'a switch statement',
    try_statement: 'try/catch',
    trap_statement: 'trap',
    function_statement: 'a function definition',
    filter_statement: 'a filter definition',
    data_statement: 'a data section',
    class_statement: 'a class definition',
    enum_statement: 'an enum definition',
    script_block_expression: 'a script block',
    ERROR: 'a syntax error',
  };
  return names[node.type] ?? `the construct ${node.type.replace(/_/g, ' ')} (${firstLine(node.text).slice(0, 40)})`;
}

function verbatim(text: string): string {
  return text.slice(1, -1).replace(/''/g, "'");
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };

/** The literal parts of a double-quoted string: backtick escapes and doubled quotes. */
function expandLiteral(text: string): string {
  return text.replace(/`(.)|""/gs, (_match, escaped: string | undefined) => (escaped === undefined ? '"' : (escapes[escaped] ?? escaped)));
}

/** Parameters by canonical name (value node or null for a switch) and positional arguments. */
function bindArguments(node: Node, spec: CmdletSpec): BoundArgs {
  const named = new Map<string, { node: Node; value: Node | null }>();
  const positional: Node[] = [];
  const elements = node.childForFieldName('command_elements');
  let pending: { name: string; node: Node; colon: boolean } | undefined;
  const take = (value: Node | null) => {
    if (!pending) return;
    if (named.has(pending.name)) throw new Refused(pending.node, `${spec.name}: -${pending.name} is given twice`);
    named.set(pending.name, { node: pending.node, value });
    pending = undefined;
  };
  for (const element of elements?.children ?? []) {
    if (element.type === 'command_argument_sep') {
      const colon = element.children.find((child) => child.text === ':');
      if (colon && pending) {
        pending.colon = true;
        const value = element.namedChildren[0];
        if (value) take(value);
      }
      continue;
    }
    if (element.type === 'comment') continue;
    if (element.type === 'command_parameter') {
      if (pending) {
        if (spec.params[pending.name] !== 'switch' && pending.name !== 'ErrorAction')
          throw new Refused(pending.node, `${spec.name} -${pending.name} needs a value`);
        take(null);
      }
      const match = /^-([A-Za-z][\w]*)(:?)/.exec(element.text);
      const written = match?.[1] ?? element.text;
      if (/^(whatif|confirm)$/i.test(written)) {
        throw new Refused(
          element,
          `-${written} is outside the runbook subset: the hybrid-era module does not honour it reliably; use the runbook's own dry-run switch (-DryRun)${written.toLowerCase() === 'confirm' ? ' (and -Force on Remove-*)' : ''}`,
        );
      }
      const name = canonicalParam(spec, written);
      if (!name) throw new Refused(element, `${spec.name} has no parameter -${written} (in the runbook subset)`);
      pending = { name, node: element, colon: match?.[2] === ':' };
      if (spec.params[name] === 'switch' && !pending.colon) {
        // A switch takes no value: what follows is a positional argument, unless written -Switch:$value.
        const next = nextArgument(element);
        if (!next || next.text !== ':') take(null);
      }
      continue;
    }
    if (!element.isNamed) {
      if (element.text === ':' && pending) pending.colon = true;
      continue;
    }
    if (unwrap(element).text.startsWith('@') && unwrap(element).type === 'variable')
      throw new Refused(element, `splatting (${element.text}) is outside the runbook subset`);
    if (pending) take(element);
    else positional.push(element);
  }
  if (pending) {
    if (spec.params[pending.name] !== 'switch') throw new Refused(pending.node, `${spec.name} -${pending.name} needs a value`);
    take(null);
  }
  return { named, positional };
}

function nextArgument(node: Node): Node | null {
  let next = node.nextSibling;
  while (next && next.type === 'command_argument_sep' && !next.children.some((child) => child.text === ':')) next = next.nextSibling;
  if (next?.type === 'command_argument_sep') return next.children.find((child) => child.text === ':') ?? null;
  return next;
}

// ---------------------------------------------------------------------------------------------
// Values as the runbook sees them

/** A provider object (SMS_Collection, a rule, a user): properties by case-insensitive name. */
export class PsObject {
  private readonly byLower = new Map<string, Value>();
  constructor(
    readonly typeName: string,
    properties: Record<string, Value>,
  ) {
    for (const [name, value] of Object.entries(properties)) this.byLower.set(name.toLowerCase(), value);
  }
  has(name: string): boolean {
    return this.byLower.has(name.toLowerCase());
  }
  get(name: string): Value {
    return this.byLower.get(name.toLowerCase()) ?? null;
  }
}

export type Value = null | boolean | number | string | PsObject | Value[];

function truthy(value: Value): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length === 0 ? false : value.length === 1 ? truthy(value[0]!) : true;
  return true;
}

function toText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return value.map(toText).join(' ');
  return `IResultObject#${value.typeName}`;
}

/** PowerShell's comparison: the right side is converted to the left side's type. */
function looseEquals(left: Value, right: Value, caseSensitive: boolean): boolean {
  if (left === null || right === null) return left === right;
  if (typeof left === 'number') {
    const number = typeof right === 'string' && right.trim() !== '' ? Number(right) : typeof right === 'boolean' ? Number(right) : right;
    return number === left;
  }
  if (typeof left === 'string') {
    const text = toText(right);
    return caseSensitive ? left === text : left.toLowerCase() === text.toLowerCase();
  }
  if (typeof left === 'boolean') return left === truthy(right);
  return left === right;
}

function compareOrder(left: Value, right: Value): number {
  if (typeof left === 'number') return left - Number(toText(right));
  return toText(left).toLowerCase().localeCompare(toText(right).toLowerCase());
}

/** What a pipeline's output becomes when assigned: nothing → $null, one object → it, more → array. */
function collect(output: Value[]): Value {
  return output.length === 0 ? null : output.length === 1 ? output[0]! : output;
}

function enumerate(value: Value): Value[] {
  return value === null ? [] : Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------------------------
// The run

class Stop extends Error {
  constructor(
    readonly node: Node,
    message: string,
  ) {
    super(message);
  }
}
class Return extends Error {}
class LoopControl extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}

interface Location {
  drive: 'filesystem' | 'site';
  path: string;
}

class Interpreter {
  private readonly variables = new Map<string, Value>();
  private readonly entries: TranscriptEntry[] = [];
  private location: Location = { drive: 'filesystem', path: 'C:\\' };
  private readonly locations: Location[] = [];
  private moduleLoaded = false;
  private stopOnError = false;
  private readonly dryRun: boolean;

  constructor(
    private readonly console: SiteConsole,
    private readonly options: ApplyOptions,
    private nodes: number,
  ) {
    this.dryRun = options.dryRunSwitch === true;
    this.variables.set('dryrun', this.dryRun);
    this.variables.set('null', null);
    this.variables.set('true', true);
    this.variables.set('false', false);
  }

  program(root: Node): RunbookTranscript {
    let failure: RunbookTranscript['failure'];
    try {
      for (const child of root.namedChildren) if (child.type === 'statement_list') this.statements(child);
    } catch (error) {
      if (error instanceof Stop) {
        failure = { ...position(error.node), message: error.message };
      } else if (!(error instanceof Return)) throw error;
    }
    const transcript: RunbookTranscript = {
      outcome: failure ? 'failed' : 'completed',
      dryRun: this.dryRun,
      entries: this.entries,
      changes: this.entries.filter((entry) => entry.effect === 'changed').length,
      nodesVisited: this.nodes,
    };
    if (failure) transcript.failure = failure;
    return transcript;
  }

  private record(node: Node, command: string, effect: TranscriptEffect, detail: string): void {
    const entry: TranscriptEntry = { line: node.startPosition.row + 1, command, effect, detail };
    this.entries.push(entry);
    this.options.log?.(entry);
  }

  private statements(list: Node): void {
    for (const statement of list.namedChildren) {
      for (const value of this.statement(statement)) this.record(statement, 'output', 'output', toText(value));
    }
  }

  /** Runs a statement; returns what it wrote to the output stream. */
  private statement(node: Node): Value[] {
    this.nodes++;
    switch (node.type) {
      case 'pipeline':
        return this.pipeline(node);
      case 'if_statement':
        return this.ifStatement(node);
      case 'foreach_statement':
        return this.foreachStatement(node);
      case 'flow_control_statement': {
        const keyword = node.child(0)!.text.toLowerCase();
        if (keyword === 'throw') {
          const value = node.namedChildren[0] ? collect(this.pipeline(node.namedChildren[0])) : 'ScriptHalted';
          this.record(node, 'throw', 'error', toText(value));
          throw new Stop(node, toText(value));
        }
        if (keyword === 'return') throw new Return();
        throw new LoopControl(keyword as 'break' | 'continue');
      }
      default:
        return [];
    }
  }

  private block(node: Node): Value[] {
    const output: Value[] = [];
    for (const child of node.namedChildren) {
      if (child.type === 'statement_list') {
        for (const statement of child.namedChildren) output.push(...this.statement(statement));
      }
    }
    return output;
  }

  /** State-changing cmdlets in a branch that does not run: the transcript says they were skipped. */
  private skipped(node: Node, why: string): void {
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      this.nodes++;
      if (current.type === 'command') {
        const spec = cmdletSpec(commandName(current) ?? '');
        if (spec?.changes) this.record(current, spec.name, 'skipped', why);
      }
      const children = current.namedChildren;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }

  private ifStatement(node: Node): Value[] {
    const branches: { condition: Node | null; body: Node }[] = [];
    let condition: Node | null = null;
    for (const child of node.namedChildren) {
      if (child.type === 'pipeline') condition = child;
      else if (child.type === 'statement_block') branches.push({ condition, body: child });
      else if (child.type === 'elseif_clauses') {
        for (const clause of child.namedChildren) {
          const parts = clause.namedChildren;
          branches.push({
            condition: parts.find((part) => part.type === 'pipeline') ?? null,
            body: parts.find((part) => part.type === 'statement_block')!,
          });
        }
      } else if (child.type === 'else_clause')
        branches.push({ condition: null, body: child.namedChildren.find((part) => part.type === 'statement_block')! });
    }
    let taken = -1;
    let output: Value[] = [];
    for (let i = 0; i < branches.length; i++) {
      const branch = branches[i]!;
      if (branch.condition === null || truthy(this.value(branch.condition))) {
        taken = i;
        output = this.block(branch.body);
        break;
      }
    }
    branches.forEach((branch, i) => {
      if (i !== taken)
        this.skipped(
          branch.body,
          `not run: the condition on line ${(branch.condition ?? node).startPosition.row + 1} chose another branch`,
        );
    });
    return output;
  }

  private foreachStatement(node: Node): Value[] {
    const [variable, source, body] = node.namedChildren.filter((child) => child.type !== 'comment');
    const items = enumerate(this.value(source!));
    const name = variableName(variable!).toLowerCase();
    const output: Value[] = [];
    if (items.length === 0) this.skipped(body!, `not run: the foreach on line ${node.startPosition.row + 1} has nothing to iterate`);
    for (const item of items) {
      this.variables.set(name, item);
      try {
        output.push(...this.block(body!));
      } catch (error) {
        if (!(error instanceof LoopControl)) throw error;
        if (error.kind === 'break') break;
      }
    }
    return output;
  }

  /** A pipeline's output stream. */
  private pipeline(node: Node): Value[] {
    this.nodes++;
    if (node.type !== 'pipeline') return enumerate(this.expression(node));
    const inner = node.namedChildren.find((child) => child.type !== 'comment')!;
    if (inner.type === 'assignment_expression') {
      this.assignment(inner);
      return [];
    }
    const stages = inner.namedChildren.filter((child) => child.type !== 'comment');
    const first = stages[0]!;
    const output = first.type === 'command' ? this.command(first) : enumerate(this.expression(first));
    return stages.length > 1 ? [] : output; // the only later stage is Out-Null
  }

  /** The value of a pipeline used as an expression: a command's output is collected. */
  private value(node: Node): Value {
    if (node.type === 'pipeline') {
      const inner = node.namedChildren.find((child) => child.type !== 'comment')!;
      const stages = inner.namedChildren.filter((child) => child.type !== 'comment');
      if (inner.type === 'pipeline_chain' && stages.length === 1 && stages[0]!.type !== 'command') return this.expression(stages[0]!);
      return collect(this.pipeline(node));
    }
    return this.expression(node);
  }

  private assignment(node: Node): void {
    const target = unwrap(node.namedChildren[0]!);
    const value = this.value(node.childForFieldName('value')!);
    const name = variableName(target).toLowerCase();
    if (name === 'null') return;
    if (name === 'erroractionpreference') {
      const action = errorActions.find((candidate) => candidate.toLowerCase() === toText(value).toLowerCase());
      if (!action) throw new Stop(node, `$ErrorActionPreference takes ${errorActions.join(', ')} here, not ${toText(value)}`);
      this.stopOnError = action === 'Stop';
    }
    this.variables.set(name, value);
  }

  private expression(node: Node): Value {
    this.nodes++;
    const type = node.type;
    if (chainTypes.has(type)) return this.chain(node);
    switch (type) {
      case 'unary_expression':
      case 'integer_literal':
        return this.expression(node.namedChildren[0]!);
      case 'decimal_integer_literal':
        return Number.parseInt(node.text.replace(/[lL]$/, ''), 10);
      case 'hexadecimal_integer_literal':
        return Number.parseInt(node.text.replace(/[lL]$/, ''), 16);
      case 'real_literal':
        return Number.parseFloat(node.text);
      case 'generic_token':
        return node.text;
      case 'string_literal':
        return this.expression(node.namedChildren[0]!);
      case 'verbatim_string_characters':
        return verbatim(node.text);
      case 'expandable_string_literal':
        return this.expand(node);
      case 'variable':
        return this.variables.get(variableName(node).toLowerCase()) ?? null;
      case 'expression_with_unary_operator': {
        const operator = node.child(0)!.text.toLowerCase();
        const operand = this.expression(node.namedChildren[0]!);
        if (operator === '-') return -Number(toText(operand));
        return !truthy(operand);
      }
      case 'member_access':
        return this.member(node);
      case 'element_access': {
        const [target, index] = node.namedChildren;
        const collection = this.expression(target!);
        const at = Number(toText(this.expression(index!)));
        const items = enumerate(collection);
        return items[at < 0 ? items.length + at : at] ?? null;
      }
      case 'parenthesized_expression':
        return this.value(node.namedChildren[0]!);
      case 'array_expression':
      case 'sub_expression': {
        const output: Value[] = [];
        for (const child of node.namedChildren) {
          if (child.type !== 'statement_list') continue;
          for (const statement of child.namedChildren) for (const value of this.statement(statement)) output.push(...enumerate(value));
        }
        return type === 'array_expression' ? output : collect(output);
      }
      case 'command':
        return collect(this.command(node));
      default:
        throw new Stop(node, `internal: ${type} was accepted by the check but cannot run`);
    }
  }

  private expand(node: Node): Value {
    const raw = node.text;
    const base = node.startIndex;
    let text = '';
    let at = 1;
    for (const child of node.namedChildren) {
      text += expandLiteral(raw.slice(at, child.startIndex - base));
      text += toText(child.type === 'variable' ? this.expression(child) : this.expression(child));
      at = child.endIndex - base;
    }
    return text + expandLiteral(raw.slice(at, raw.length - 1));
  }

  private member(node: Node): Value {
    const [targetNode, memberNode] = node.namedChildren;
    const target = this.expression(targetNode!);
    const name = memberNode!.text;
    const lower = name.toLowerCase();
    if (Array.isArray(target)) {
      if (lower === 'count' || lower === 'length') return target.length;
      const values = target.flatMap((item) => enumerate(this.property(node, item, name)));
      return collect(values);
    }
    return this.property(node, target, name);
  }

  private property(node: Node, target: Value, name: string): Value {
    const lower = name.toLowerCase();
    if (target === null) return lower === 'count' || lower === 'length' ? 0 : null;
    if (target instanceof PsObject) {
      if (target.has(name)) return target.get(name);
      if (lower === 'count' || lower === 'length') return 1;
      throw new Stop(node, `a ${target.typeName} object has no property ${name} in this console`);
    }
    if (lower === 'count') return 1;
    if (lower === 'length' && typeof target === 'string') return target.length;
    throw new Stop(node, `a ${typeof target} has no property ${name} in this console`);
  }

  private chain(node: Node): Value {
    const children = node.children.filter((child) => child.type !== 'comment');
    if (node.type === 'array_literal_expression') {
      const operands = children.filter((child) => !isOperator(child));
      if (operands.length === 1) return this.expression(operands[0]!);
      return operands.map((operand) => this.expression(operand));
    }
    let value = this.expression(children[0]!);
    for (let i = 1; i + 1 < children.length; i += 2) {
      const operator = children[i]!.text.toLowerCase();
      const operand = children[i + 1]!;
      if (operator === '-and') {
        value = truthy(value) && truthy(this.expression(operand));
        continue;
      }
      if (operator === '-or') {
        value = truthy(value) || truthy(this.expression(operand));
        continue;
      }
      const right = this.expression(operand);
      if (operator === '+') value = add(value, right);
      else if (operator === '-') value = Number(toText(value)) - Number(toText(right));
      else value = compare(comparisonOp(operator)!, value, right);
    }
    return value;
  }

  // ---- commands ------------------------------------------------------------------------------

  private command(node: Node): Value[] {
    this.nodes++;
    const spec = cmdletSpec(commandName(node)!)!;
    const args = bindArguments(node, spec);
    const values = new Map<string, Value>();
    // The module path was checked as one of the known forms; $env: is not simulated.
    if (spec.name === 'Import-Module') return this.run(node, spec, values);
    for (const [name, { value }] of args.named) values.set(name, value ? this.argument(value) : true);
    const positional = args.positional.map((value) => this.argument(value));
    if (spec.positional && positional.length > 0) values.set(spec.positional, positional.length === 1 ? positional[0]! : positional);
    const errorAction = values.get('ErrorAction');
    const stop = errorAction !== undefined ? toText(errorAction).toLowerCase() === 'stop' : this.stopOnError;
    try {
      if (spec.cm) this.requireSiteDrive(spec);
      return this.run(node, spec, values);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      this.record(node, spec.name, 'error', error.message);
      if (stop) throw new Stop(node, `${spec.name}: ${error.message}`);
      return [];
    }
  }

  /** An argument in command mode: a bare word is a string; anything else an expression. */
  private argument(node: Node): Value {
    return this.expression(node);
  }

  private requireSiteDrive(spec: CmdletSpec): void {
    if (!this.moduleLoaded) {
      throw new ConsoleError(
        `The term '${spec.name}' is not recognized as the name of a cmdlet: import the ConfigurationManager module first`,
      );
    }
    if (this.location.drive !== 'site') {
      throw new ConsoleError(`ConfigMgr cmdlets run from the site drive: Set-Location '${this.console.siteCode}:' first`);
    }
  }

  private run(node: Node, spec: CmdletSpec, args: Map<string, Value>): Value[] {
    const site = this.console;
    const text = (name: string) => toText(args.get(name) ?? null);
    switch (spec.name) {
      case 'Import-Module':
        this.moduleLoaded = true;
        this.record(node, spec.name, 'read', 'ConfigurationManager module loaded');
        return [];
      case 'Set-Location':
      case 'Push-Location': {
        if (spec.name === 'Push-Location') this.locations.push(this.location);
        if (args.has('Path')) this.location = this.resolveLocation(text('Path'));
        this.record(node, spec.name, 'read', `location ${this.location.path}`);
        return [];
      }
      case 'Pop-Location':
        this.location = this.locations.pop() ?? this.location;
        this.record(node, spec.name, 'read', `location ${this.location.path}`);
        return [];
      case 'Write-Host':
      case 'Write-Verbose':
        this.record(node, spec.name, 'output', text(spec.name === 'Write-Host' ? 'Object' : 'Message'));
        return [];
      case 'Write-Warning':
        this.record(node, spec.name, 'output', `WARNING: ${text('Message')}`);
        return [];
      case 'Write-Output':
        return enumerate(args.get('InputObject') ?? null);
      case 'Get-Module': {
        const loaded = this.moduleLoaded && text('Name').toLowerCase() === 'configurationmanager';
        this.record(node, spec.name, 'read', loaded ? `ConfigurationManager ${this.moduleVersion()}` : `${text('Name')} not loaded`);
        return loaded ? [new PsObject('PSModuleInfo', { Name: 'ConfigurationManager', Version: this.moduleVersion() })] : [];
      }
      case 'Get-CMSite': {
        if (args.has('SiteCode') && text('SiteCode').toUpperCase() !== site.siteCode.toUpperCase()) {
          this.record(node, spec.name, 'read', `no site ${text('SiteCode')}`);
          return [];
        }
        const build = this.options.siteBuildNumber ?? defaultBuildNumber;
        this.record(node, spec.name, 'read', `site ${site.siteCode}, build ${build}`);
        return [new PsObject('SMS_Site', { SiteCode: site.siteCode, BuildNumber: build, Version: `5.00.${build}.1000` })];
      }
      case 'New-CMSchedule':
        return [new PsObject('SMS_ST_RecurInterval', { RecurInterval: text('RecurInterval'), RecurCount: Number(text('RecurCount')) })];
      case 'Get-CMCollection':
      case 'Get-CMUserCollection': {
        const found = args.has('Id') ? site.getCollection({ id: text('Id') }) : site.getCollection({ name: text('Name') });
        const type =
          spec.name === 'Get-CMUserCollection' ? 'user' : args.has('CollectionType') ? text('CollectionType').toLowerCase() : undefined;
        const result = found && (!type || found.type === type) ? [collectionObject(found)] : [];
        this.record(node, spec.name, 'read', result.length ? `found ${found!.collectionId} ${JSON.stringify(found!.name)}` : 'not found');
        return result;
      }
      case 'New-CMUserCollection':
      case 'New-CMCollection': {
        const type = spec.name === 'New-CMUserCollection' ? 'user' : (text('CollectionType').toLowerCase() as 'user' | 'device');
        const limiting = this.collection(args, 'LimitingCollectionId', 'LimitingCollectionName', 'InputObject', false);
        const input: Parameters<SiteConsole['newCollection']>[0] = { name: text('Name'), type, limitToCollectionId: limiting.collectionId };
        if (args.has('Comment')) input.comment = text('Comment');
        const created = site.newCollection(input);
        this.record(
          node,
          spec.name,
          'changed',
          `created ${type} collection ${created.collectionId} ${JSON.stringify(created.name)} limited to ${limiting.collectionId}`,
        );
        return [collectionObject(created)];
      }
      case 'Add-CMUserCollectionDirectMembershipRule': {
        const target = this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', true);
        const ids = this.resourceIds(node, args);
        for (const id of ids) site.addDirectRule(target.collectionId, id);
        this.record(node, spec.name, 'changed', `${target.collectionId}: direct rule for resource ${ids.join(', ')}`);
        return [];
      }
      case 'Get-CMUserCollectionDirectMembershipRule': {
        const target = this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', true);
        let rules = site.getRules(target.collectionId).direct;
        if (args.has('ResourceId')) rules = rules.filter((rule) => looseEquals(rule.resourceId, args.get('ResourceId')!, false));
        if (args.has('ResourceName')) rules = rules.filter((rule) => rule.ruleName.toLowerCase() === text('ResourceName').toLowerCase());
        this.record(node, spec.name, 'read', `${target.collectionId}: ${rules.length} direct rule(s)`);
        return rules.map(
          (rule) =>
            new PsObject('SMS_CollectionRuleDirect', {
              ResourceID: rule.resourceId,
              RuleName: rule.ruleName,
              ResourceClassName: 'SMS_R_User',
            }),
        );
      }
      case 'Remove-CMUserCollectionDirectMembershipRule': {
        const target = this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', true);
        const ids = this.resourceIds(node, args);
        const present = new Set(site.getRules(target.collectionId).direct.map((rule) => rule.resourceId));
        for (const id of ids) site.removeDirectRule(target.collectionId, id);
        const removed = ids.filter((id) => present.has(id));
        this.record(
          node,
          spec.name,
          removed.length ? 'changed' : 'unchanged',
          `${target.collectionId}: direct rule for resource ${ids.join(', ')} ${removed.length ? 'removed' : 'was not there'}`,
        );
        return [];
      }
      case 'Add-CMUserCollectionIncludeMembershipRule':
      case 'Add-CMUserCollectionExcludeMembershipRule': {
        const kind = spec.name.includes('Include') ? 'Include' : 'Exclude';
        const target = this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', true);
        const other = this.collection(args, `${kind}CollectionId`, `${kind}CollectionName`, `${kind}Collection`, false);
        if (kind === 'Include') site.addIncludeRule(target.collectionId, other.collectionId);
        else site.addExcludeRule(target.collectionId, other.collectionId);
        this.record(node, spec.name, 'changed', `${target.collectionId}: ${kind.toLowerCase()} rule for ${other.collectionId}`);
        return [];
      }
      case 'Get-CMUserCollectionIncludeMembershipRule':
      case 'Get-CMUserCollectionExcludeMembershipRule': {
        const kind = spec.name.includes('Include') ? 'Include' : 'Exclude';
        const target = this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', true);
        const rules = site.getRules(target.collectionId);
        let ids = kind === 'Include' ? rules.include : rules.exclude;
        if (args.has(`${kind}CollectionId`)) ids = ids.filter((id) => id.toLowerCase() === text(`${kind}CollectionId`).toLowerCase());
        const objects = ids.map((id) => {
          const name = site.getCollection({ id })?.name ?? id;
          return new PsObject(`SMS_CollectionRule${kind}Collection`, { [`${kind}CollectionID`]: id, RuleName: name });
        });
        const filtered = args.has(`${kind}CollectionName`)
          ? objects.filter((rule) => toText(rule.get('RuleName')).toLowerCase() === text(`${kind}CollectionName`).toLowerCase())
          : objects;
        this.record(node, spec.name, 'read', `${target.collectionId}: ${filtered.length} ${kind.toLowerCase()} rule(s)`);
        return filtered;
      }
      case 'Remove-CMUserCollectionExcludeMembershipRule': {
        const target = this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', true);
        const other = this.collection(args, 'ExcludeCollectionId', 'ExcludeCollectionName', 'ExcludeCollection', false);
        const present = site.getRules(target.collectionId).exclude.includes(other.collectionId);
        site.removeExcludeRule(target.collectionId, other.collectionId);
        this.record(
          node,
          spec.name,
          present ? 'changed' : 'unchanged',
          `${target.collectionId}: exclude rule for ${other.collectionId} ${present ? 'removed' : 'was not there'}`,
        );
        return [];
      }
      case 'Invoke-CMCollectionUpdate': {
        const target = this.collection(args, 'CollectionId', 'Name', 'InputObject', false);
        const before = site.members(target.collectionId).join(',');
        site.updateMembership(target.collectionId);
        const after = site.members(target.collectionId);
        const changed = after.join(',') !== before;
        this.record(
          node,
          spec.name,
          changed ? 'changed' : 'unchanged',
          `${target.collectionId}: membership re-evaluated, ${after.length} member(s)${changed ? '' : ', as before'}`,
        );
        return [];
      }
      case 'Get-CMUser': {
        const ids = args.has('ResourceId')
          ? enumerate(args.get('ResourceId')!).map((id) => Number(toText(id)))
          : site.members(this.collection(args, 'CollectionId', 'CollectionName', 'InputObject', false).collectionId);
        const users = ids.flatMap((id) => {
          const user = site.getUser(id);
          return user
            ? [
                new PsObject('SMS_CombinedUserResources', {
                  ResourceID: user.resourceId,
                  Name: user.uniqueName,
                  SMSID: user.uniqueName,
                  UniqueUserName: user.uniqueName,
                  UserPrincipalName: user.upn,
                }),
              ]
            : [];
        });
        this.record(node, spec.name, 'read', `${users.length} user(s)`);
        return users;
      }
      case 'Get-CMIntuneSubscription': {
        const id = site.getSubscriptionCollectionId();
        this.record(node, spec.name, 'read', id ? `subscription collection ${id}` : 'no Intune subscription');
        return id ? [new PsObject('SMS_CloudSubscription', { CollectionID: id })] : [];
      }
      case 'Set-CMIntuneSubscription': {
        const collection = args.get('UserCollection') ?? null;
        const id = collection instanceof PsObject && collection.has('CollectionID') ? toText(collection.get('CollectionID')) : undefined;
        if (!id)
          throw new ConsoleError(
            `-UserCollection takes a collection object (Get-CMUserCollection), not ${JSON.stringify(toText(collection))}`,
          );
        const target = site.getCollection({ id });
        if (!target) throw new ConsoleError(`No collection ${id}`);
        if (target.type !== 'user') throw new ConsoleError(`${id} is a device collection; the Intune subscription takes a user collection`);
        const current = site.getSubscriptionCollectionId();
        if (current === target.collectionId) {
          this.record(node, spec.name, 'unchanged', `subscription collection is already ${target.collectionId}`);
          return [];
        }
        site.setSubscriptionCollection(target.collectionId);
        this.record(node, spec.name, 'changed', `subscription collection ${current ?? '(none)'} -> ${target.collectionId}`);
        return [];
      }
      default:
        throw new Stop(node, `internal: ${spec.name} is listed but not simulated`);
    }
  }

  /** The console's module version: 5.00.<build>.1000 stands in for the real one (not confirmed). */
  private moduleVersion(): string {
    return `5.00.${this.options.siteBuildNumber ?? defaultBuildNumber}.1000`;
  }

  private resolveLocation(path: string): Location {
    const drive = /^([A-Za-z0-9]+):\\?(.*)$/.exec(path);
    if (!drive) throw new ConsoleError(`Set-Location ${path}: only drive roots are simulated`);
    const name = drive[1]!;
    if (name.length === 1 && !this.moduleLoaded) return { drive: 'filesystem', path };
    if (name.toUpperCase() === this.console.siteCode.toUpperCase()) {
      if (!this.moduleLoaded)
        throw new ConsoleError(
          `Cannot find drive. A drive with the name '${name}' does not exist (import the ConfigurationManager module first)`,
        );
      return { drive: 'site', path: `${this.console.siteCode}:\\` };
    }
    if (name.length === 1) return { drive: 'filesystem', path };
    throw new ConsoleError(
      `Cannot find drive. A drive with the name '${name}' does not exist (this console's site code is ${this.console.siteCode})`,
    );
  }

  /** A collection named by id, name or object; user collections only where the cmdlet says so. */
  private collection(args: Map<string, Value>, idKey: string, nameKey: string, objectKey: string, userOnly: boolean): ConsoleCollection {
    let found: ConsoleCollection | undefined;
    let asked: string;
    if (args.has(idKey)) {
      asked = toText(args.get(idKey)!);
      found = this.console.getCollection({ id: asked });
    } else if (args.has(nameKey)) {
      asked = toText(args.get(nameKey)!);
      found = this.console.getCollection({ name: asked });
    } else {
      const object = args.get(objectKey) ?? null;
      if (!(object instanceof PsObject) || !object.has('CollectionID')) {
        throw new ConsoleError(`-${objectKey} takes a collection object, not ${JSON.stringify(toText(object))} (is the variable $null?)`);
      }
      asked = toText(object.get('CollectionID'));
      found = this.console.getCollection({ id: asked });
    }
    if (!found) throw new ConsoleError(`No object corresponds to the specified parameters: no collection ${JSON.stringify(asked)}`);
    if (userOnly && found.type !== 'user')
      throw new ConsoleError(`${found.collectionId} is a device collection; this cmdlet takes a user collection`);
    return found;
  }

  private resourceIds(node: Node, args: Map<string, Value>): number[] {
    const raw = args.has('ResourceId')
      ? enumerate(args.get('ResourceId')!)
      : enumerate(args.get('Resource') ?? null).map((item) => (item instanceof PsObject ? item.get('ResourceID') : item));
    return raw.map((value) => {
      const number = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(toText(value)) ? Number(toText(value)) : Number.NaN;
      if (!Number.isInteger(number)) throw new Stop(node, `Cannot convert ${JSON.stringify(toText(value))} to a resource id (Int32)`);
      return number;
    });
  }
}

function collectionObject(collection: ConsoleCollection): PsObject {
  return new PsObject('SMS_Collection', {
    CollectionID: collection.collectionId,
    Name: collection.name,
    CollectionType: collection.type === 'user' ? 1 : 2,
    LimitToCollectionID: collection.limitToCollectionId,
    MemberCount: collection.memberCount,
  });
}

function add(left: Value, right: Value): Value {
  if (Array.isArray(left)) return [...left, ...enumerate(right)];
  if (typeof left === 'number' && right !== null && !Number.isNaN(Number(toText(right)))) return left + Number(toText(right));
  if (left === null) return right;
  return toText(left) + toText(right);
}

function compare({ op, caseSensitive }: { op: string; caseSensitive: boolean }, left: Value, right: Value): Value {
  switch (op) {
    case 'contains':
    case 'notcontains': {
      const found = enumerate(left).some((item) => looseEquals(item, right, caseSensitive));
      return op === 'contains' ? found : !found;
    }
    case 'in':
    case 'notin': {
      const found = enumerate(right).some((item) => looseEquals(item, left, caseSensitive));
      return op === 'in' ? found : !found;
    }
  }
  const test = (item: Value): boolean => {
    switch (op) {
      case 'eq':
        return looseEquals(item, right, caseSensitive);
      case 'ne':
        return !looseEquals(item, right, caseSensitive);
      case 'gt':
        return compareOrder(item, right) > 0;
      case 'ge':
        return compareOrder(item, right) >= 0;
      case 'lt':
        return compareOrder(item, right) < 0;
      default:
        return compareOrder(item, right) <= 0;
    }
  };
  // With an array on the left PowerShell filters it; $null -eq @() is $false.
  return Array.isArray(left) ? left.filter(test) : test(left);
}
