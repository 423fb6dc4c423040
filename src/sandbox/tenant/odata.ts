// The OData query subset the sandbox understands, and Graph's error shape. Anything outside the
// subset is refused with 400 "Unsupported query" so a product query the sandbox cannot answer
// faithfully shows up in tests instead of being silently ignored.

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);
export const unsupported = (detail: string) => new GraphError(400, 'BadRequest', `Unsupported query: ${detail}`);

export function errorBody(status: number, code: string, message: string, requestId: string, clientRequestId: string) {
  void status;
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

// ---- $filter ----
type Literal = string | number | boolean | null;
export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'eq' | 'ne'; prop: string; value: Literal }
  | { op: 'in'; prop: string; values: Literal[] }
  | { op: 'startswith' | 'contains'; prop: string; value: string }
  | { op: 'isof'; type: string };

type Token = { t: 'id' | 'str' | 'num' | 'punct'; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw unsupported(`unterminated string in $filter "${text}"`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_./]*|^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i));
    if (!m) throw unsupported(`cannot read $filter "${text}" at "${text.slice(i, i + 10)}"`);
    out.push({ t: /^-?[0-9]/.test(m[0]) ? 'num' : 'id', v: m[0] });
    i += m[0].length;
  }
  return out;
}

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (v?: string) => {
    const tok = tokens[pos++];
    if (!tok || (v !== undefined && tok.v !== v)) throw unsupported(`$filter "${text}": expected ${v ?? 'more'} at token ${pos}`);
    return tok;
  };
  const literal = (): Literal => {
    const tok = take();
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'id' && (tok.v === 'true' || tok.v === 'false')) return tok.v === 'true';
    if (tok.t === 'id' && tok.v === 'null') return null;
    throw unsupported(`$filter "${text}": "${tok.v}" is not a literal the sandbox supports`);
  };
  const atom = (): FilterNode => {
    const tok = take();
    if (tok.v === '(') {
      const inner = orExpr();
      take(')');
      return inner;
    }
    if (tok.t !== 'id') throw unsupported(`$filter "${text}"`);
    const name = tok.v.toLowerCase();
    if (peek()?.v === '(') {
      take('(');
      if (name === 'isof') {
        const type = literal();
        take(')');
        return { op: 'isof', type: String(type).replace(/^#?microsoft\.graph\./, '') };
      }
      if (name !== 'startswith' && name !== 'contains') throw unsupported(`function ${tok.v}() in $filter`);
      const prop = take().v;
      take(',');
      const value = literal();
      take(')');
      if (typeof value !== 'string') throw unsupported(`${tok.v}() needs a string`);
      return { op: name, prop, value };
    }
    const opTok = take();
    const op = opTok.v.toLowerCase();
    if (op === 'eq' || op === 'ne') return { op, prop: tok.v, value: literal() };
    if (op === 'in') {
      take('(');
      const values = [literal()];
      while (peek()?.v === ',') {
        take(',');
        values.push(literal());
      }
      take(')');
      return { op: 'in', prop: tok.v, values };
    }
    throw unsupported(`operator "${opTok.v}" in $filter`);
  };
  const andExpr = (): FilterNode => {
    let left = atom();
    while (peek()?.v.toLowerCase() === 'and') {
      take();
      left = { op: 'and', left, right: atom() };
    }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (peek()?.v.toLowerCase() === 'or') {
      take();
      left = { op: 'or', left, right: andExpr() };
    }
    return left;
  };
  const node = orExpr();
  if (pos !== tokens.length) throw unsupported(`$filter "${text}": unexpected "${tokens[pos].v}"`);
  return node;
}

/** Filterable properties of a collection and the operators allowed on each. */
export type FilterOp = 'eq' | 'ne' | 'in' | 'startswith' | 'contains' | 'isof';
/** property -> allowed operators; the key '@isof' allows isof('type'). */
export type FilterRules = Record<string, readonly FilterOp[]>;

export function checkFilter(node: FilterNode, rules: FilterRules, where: string): void {
  if ('left' in node) {
    checkFilter(node.left, rules, where);
    checkFilter(node.right, rules, where);
    return;
  }
  if (!('prop' in node)) {
    if (!rules['@isof']) throw unsupported(`isof() on ${where}`);
    return;
  }
  const allowed = rules[node.prop];
  if (!allowed || !allowed.includes(node.op))
    throw unsupported(
      `${node.op} on property "${node.prop}" of ${where} (the sandbox filters ${Object.keys(rules)
        .filter((k) => k !== '@isof')
        .join(', ')})`,
    );
}

const fold = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

/** Graph compares directory strings case-insensitively; the sandbox does so everywhere. */
export function matches(node: FilterNode, obj: Record<string, unknown>): boolean {
  switch (node.op) {
    case 'and':
      return matches(node.left, obj) && matches(node.right, obj);
    case 'or':
      return matches(node.left, obj) || matches(node.right, obj);
    case 'isof':
      return String(obj['@odata.type'] ?? '').replace(/^#?microsoft\.graph\./, '') === node.type;
    case 'eq':
      return fold(obj[node.prop] ?? null) === fold(node.value);
    case 'ne':
      return fold(obj[node.prop] ?? null) !== fold(node.value);
    case 'in':
      return node.values.some((v) => fold(obj[node.prop] ?? null) === fold(v));
    case 'startswith':
      return typeof obj[node.prop] === 'string' && (obj[node.prop] as string).toLowerCase().startsWith(node.value.toLowerCase());
    case 'contains':
      return typeof obj[node.prop] === 'string' && (obj[node.prop] as string).toLowerCase().includes(node.value.toLowerCase());
  }
}

// ---- the query options as a whole ----
export interface Query {
  filter?: FilterNode;
  select?: string[];
  top?: number;
  count: boolean;
  expand: { name: string; options: string }[];
  offset: number;
}

const SUPPORTED = new Set(['$filter', '$select', '$top', '$count', '$expand', '$skiptoken']);

export function parseQuery(params: URLSearchParams): Query {
  for (const key of params.keys()) {
    if (key.startsWith('$') && !SUPPORTED.has(key)) throw unsupported(`${key} is not supported by the sandbox tenant`);
  }
  const q: Query = { count: false, expand: [], offset: 0 };
  const filter = params.get('$filter');
  if (filter !== null) q.filter = parseFilter(filter);
  const select = params.get('$select');
  if (select !== null)
    q.select = select
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const top = params.get('$top');
  if (top !== null) {
    if (!/^[0-9]+$/.test(top) || Number(top) < 1 || Number(top) > 999)
      throw new GraphError(400, 'BadRequest', `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`);
    q.top = Number(top);
  }
  const count = params.get('$count');
  if (count !== null) {
    if (count !== 'true' && count !== 'false') throw unsupported(`$count=${count}`);
    q.count = count === 'true';
  }
  const expand = params.get('$expand');
  if (expand !== null) {
    // split on commas outside parentheses: a($expand=b),c
    let depth = 0,
      start = 0;
    const parts: string[] = [];
    for (let i = 0; i <= expand.length; i++) {
      const c = expand[i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if ((c === ',' && depth === 0) || i === expand.length) {
        parts.push(expand.slice(start, i).trim());
        start = i + 1;
      }
    }
    q.expand = parts.filter(Boolean).map((p) => {
      const m = /^(\w+)(?:\((.*)\))?$/.exec(p);
      if (!m) throw unsupported(`$expand=${expand}`);
      return { name: m[1], options: m[2] ?? '' };
    });
  }
  const skiptoken = params.get('$skiptoken');
  if (skiptoken !== null) q.offset = decodeSkipToken(skiptoken);
  return q;
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ sbx: 1, o: offset })).toString('base64url');
}

function decodeSkipToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { sbx?: number; o?: number };
    if (parsed.sbx === 1 && Number.isInteger(parsed.o) && (parsed.o as number) >= 0) return parsed.o as number;
  } catch {
    // fall through
  }
  throw badRequest(`The $skiptoken "${token.slice(0, 40)}" is invalid or expired. Use the @odata.nextLink as returned.`);
}

export function applySelect(obj: Record<string, unknown>, select: string[] | undefined, keepType: boolean): Record<string, unknown> {
  if (!select) return obj;
  const out: Record<string, unknown> = {};
  if (keepType && obj['@odata.type'] !== undefined) out['@odata.type'] = obj['@odata.type'];
  for (const key of select) out[key] = key in obj ? obj[key] : null; // Graph answers a selected but unset property with null
  return out;
}
