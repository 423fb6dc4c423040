// The engine behind the TDS test server: SQLite (sql.js, WebAssembly) loaded from fixture scripts
// that create tables/views under the production view names. It answers the plain T-SQL the
// product sends and refuses, loudly, whatever SQLite would run differently from SQL Server.
//
// Column types: the SQL Server type of every result column comes from the declared type of the
// fixture column it reads (CREATE TABLE), found through SQLite's own resolution of the query
// (a temporary view of it). Computed view columns declare theirs in a fixture comment:
//   -- tds-type: v_Example.DisplayCount INT
// Anything else without a known type is an error, never a guess.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import initSqlJs, { type Database, type SqlValue, type Statement } from 'sql.js';
import { type Column, type Param, type SqlType, TdsError, parseDeclaredType, typeName } from './protocol';

/** An open statement: `next()` gives the following row, undefined at the end. */
export interface Cursor {
  readonly columns: Column[];
  next(): unknown[] | undefined;
  close(): void;
}

const ERR = { SYNTAX: 102, INVALID_OBJECT: 208, INVALID_COLUMN: 207, UNSUPPORTED: 50000 } as const;
const unsupported = (what: string) =>
  new TdsError(
    `test server: ${what}. The test engine is SQLite: keep production queries to plain T-SQL that both accept (see docs/testing-sql.md).`,
    ERR.UNSUPPORTED,
  );

// ---- lexing: strings, bracketed/quoted identifiers and comments are never rewritten ----

type Segment = { kind: 'code' | 'string' | 'ident' | 'comment'; text: string };

export function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let code = '';
  const flush = () => {
    if (code) out.push({ kind: 'code', text: code });
    code = '';
  };
  for (let i = 0; i < sql.length;) {
    const c = sql[i],
      next = sql[i + 1];
    const end = (close: string, from: number, doubled: boolean) => {
      for (let j = from; j < sql.length; j++) {
        if (sql[j] === close) {
          if (doubled && sql[j + 1] === close) {
            j++;
            continue;
          }
          return j + 1;
        }
      }
      throw new TdsError(`Unclosed quotation mark after the character string '${sql.slice(i, i + 40)}'.`, 105, 15);
    };
    if (c === "'" || ((c === 'N' || c === 'n') && next === "'" && !/[\w@#$]/.test(sql[i - 1] ?? ''))) {
      const start = c === "'" ? i : i + 1,
        stop = end("'", start + 1, true);
      flush();
      out.push({ kind: 'string', text: sql.slice(start, stop) });
      i = stop;
    } else if (c === '[') {
      const stop = end(']', i + 1, true);
      flush();
      out.push({ kind: 'ident', text: sql.slice(i, stop) });
      i = stop;
    } else if (c === '"') {
      const stop = end('"', i + 1, true);
      // T-SQL (QUOTED_IDENTIFIER ON) reads "x" as an identifier; SQLite may read it as a string: make it [x].
      flush();
      out.push({
        kind: 'ident',
        text: `[${sql
          .slice(i + 1, stop - 1)
          .replace(/""/g, '"')
          .replace(/]/g, ']]')}]`,
      });
      i = stop;
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i),
        stop = nl < 0 ? sql.length : nl;
      flush();
      out.push({ kind: 'comment', text: sql.slice(i, stop) });
      i = stop;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new TdsError("Missing end comment mark '*/'.", 113, 15);
      flush();
      out.push({ kind: 'comment', text: sql.slice(i, close + 2) });
      i = close + 2;
    } else {
      code += c;
      i++;
    }
  }
  flush();
  return out;
}

/** Splits a batch on top-level semicolons. */
export function splitStatements(sql: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const s of segments(sql)) {
    if (s.kind !== 'code') {
      current += s.text;
      continue;
    }
    const pieces = s.text.split(';');
    current += pieces[0];
    for (const piece of pieces.slice(1)) {
      parts.push(current);
      current = piece;
    }
  }
  parts.push(current);
  return parts.filter((p) => segments(p).some((s) => s.kind !== 'comment' && s.text.trim() !== ''));
}

// T-SQL that SQLite would reject or, worse, run with a different meaning; and SQLite-only syntax that SQL Server would reject.
const REFUSED: [RegExp, string][] = [
  [/\btop\b/i, 'TOP is T-SQL only'],
  [/\b(offset|fetch)\b/i, 'OFFSET/FETCH paging is not translated'],
  [/\blimit\b/i, 'LIMIT is SQLite-only (SQL Server rejects it)'],
  [/\|\|/, "'||' is SQLite-only string concatenation"],
  [/'s'\s*\+|\+\s*'s'/, "'+' string concatenation means addition in SQLite"],
  [/`/, 'backtick identifiers are SQLite/MySQL-only'],
  [/\bcollate\b/i, 'COLLATE names differ between SQL Server and SQLite'],
  [/\b(nolock|readuncommitted|holdlock|updlock|rowlock|tablock)\b/i, 'table hints are T-SQL only'],
  [/\bapply\b/i, 'CROSS/OUTER APPLY is T-SQL only'],
  [/\b(pivot|unpivot)\b/i, 'PIVOT is T-SQL only'],
  [/@@\w+/, 'system functions (@@...) are T-SQL only'],
  [/(^|[^\w\]])#\w/, 'temporary tables (#name) are T-SQL only'],
  [
    /\b(isnull|getdate|getutcdate|sysdatetime|sysutcdatetime|convert|try_convert|try_cast|len|datalength|dateadd|datediff|datepart|datename|eomonth|charindex|patindex|stuff|left|right|iif|choose|format|string_agg|string_split|newid|object_id|db_name|schema_name|suser_sname|concat_ws)\s*\(/i,
    'this function is T-SQL only',
  ],
  [
    /\b(ifnull|substr|group_concat|strftime|datetime|julianday|unixepoch|printf|instr|glob|regexp|typeof|total|json\w*|iif)\s*\(/i,
    'this function is SQLite-only',
  ],
  [/\b(glob|regexp)\b/i, 'GLOB/REGEXP are SQLite-only'],
  [/==/, "'==' is SQLite-only"],
];

interface Translated {
  sql: string;
  masked: string;
  paramNames: Set<string>;
}

/** The few rewrites needed (N'..' → '..', "x" → [x], dbo. prefix dropped); everything risky refused. */
export function translate(statement: string): Translated {
  const segs = segments(statement);
  let sql = '',
    masked = '';
  const paramNames = new Set<string>();
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.kind === 'comment') {
      sql += ' ';
      masked += ' ';
      continue;
    }
    if (s.kind === 'string') {
      sql += s.text;
      masked += "'s'";
      continue;
    }
    if (s.kind === 'ident') {
      if (/^\[dbo\]$/i.test(s.text) && /^\s*\./.test(segs[i + 1]?.text ?? '') && segs[i + 1].kind === 'code') {
        segs[i + 1] = { kind: 'code', text: segs[i + 1].text.replace(/^\s*\.\s*/, '') };
        continue;
      }
      sql += s.text;
      masked += '[i]';
      continue;
    }
    const code = s.text.replace(/(^|[^\w@#$.\]])dbo\s*\.\s*(?=[\w[])/gi, '$1');
    for (const m of code.matchAll(/@(\w+)/g)) if (!code.slice(0, m.index).endsWith('@')) paramNames.add(m[1]);
    sql += code;
    masked += code;
  }
  const first = /^\s*(\w+)/.exec(masked)?.[1]?.toLowerCase();
  const STATEMENTS =
    /^(insert|update|delete|merge|create|alter|drop|truncate|exec|execute|declare|begin|commit|rollback|use|grant|revoke|deny|waitfor|print|raiserror|throw|if|while|bulk|dbcc|backup|restore|kill|set)$/;
  if (first && first !== 'select' && first !== 'with' && !STATEMENTS.test(first))
    throw new TdsError(`Incorrect syntax near '${/^\s*(\w+)/.exec(masked)![1]}'.`, ERR.SYNTAX, 15);
  if (first !== 'select' && first !== 'with') {
    throw unsupported(
      `only SELECT statements are answered (got ${first ? first.toUpperCase() : 'an empty statement'}); the site database is read-only for cm2intune`,
    );
  }
  for (const [pattern, why] of REFUSED) {
    const m = pattern.exec(masked);
    if (m) throw unsupported(`cannot run '${m[0].trim()}': ${why}`);
  }
  return { sql, masked, paramNames };
}

// ---- result column types ----

/** Splits the top-level select list of a (translated) query into its items. */
function selectItems(sql: string): string[] | undefined {
  let depth = 0,
    items: string[] | undefined,
    current = '';
  const words = /^(from|where|group|order|having|union|except|intersect|window)\b/i;
  for (const s of segments(sql)) {
    if (s.kind !== 'code') {
      if (items) current += s.text;
      continue;
    }
    for (let i = 0; i < s.text.length; i++) {
      const c = s.text[i];
      if (depth === 0 && /\w/.test(c) && !/\w/.test(s.text[i - 1] ?? current.at(-1) ?? ' ')) {
        const rest = s.text.slice(i);
        if (!items && /^select\b/i.test(rest)) {
          items = [];
          current = '';
          i += 5;
          const mod = /^\s+(distinct|all)\b/i.exec(s.text.slice(i + 1));
          if (mod) i += mod[0].length;
          continue;
        }
        if (items && words.test(rest)) {
          items.push(current.trim());
          return items;
        }
      }
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (!items) continue;
      if (c === ',' && depth === 0) {
        items.push(current.trim());
        current = '';
      } else current += c;
    }
  }
  if (items) items.push(current.trim());
  return items;
}

const IDENT = String.raw`(?:\[(?:[^\]]|\]\])+\]|[A-Za-z_][\w$#]*)`;
const COLUMN_REF = new RegExp(`^(?:${IDENT}\\s*\\.\\s*)?${IDENT}$`);
const STAR = new RegExp(`^(?:${IDENT}\\s*\\.\\s*)?\\*$`);
const ALIASED = new RegExp(`^([\\s\\S]*?\\S)(?:\\s+as)?\\s+(${IDENT})$`, 'i');
const CAST_TARGETS = new Set(['int', 'bigint', 'smallint', 'tinyint', 'nvarchar', 'float', 'real']);

function stripAlias(item: string): string {
  const m = ALIASED.exec(item);
  // "a b" is expression a aliased b; a lone keyword-looking tail of an expression (e.g. "x END") is not an alias
  if (m && !/^(end|null)$/i.test(m[2]) && !/[.(]$/.test(m[1])) return m[1].trim();
  return item.trim();
}

/** The SQL Server type of a select-list expression, or a reason why it cannot be known. */
function expressionType(expr: string, params: Map<string, Param>): SqlType | string {
  let m: RegExpExecArray | null;
  if (/^[-+]?\d+$/.test(expr)) return BigInt(expr) >= -(2n ** 31n) && BigInt(expr) < 2n ** 31n ? { kind: 'int' } : { kind: 'bigint' };
  if (/^[-+]?\d*\.\d+(e[-+]?\d+)?$/i.test(expr)) return { kind: 'float' };
  if (/^null$/i.test(expr)) return { kind: 'int' };
  if ((m = /^'((?:[^']|'')*)'$/.exec(expr))) return { kind: 'nvarchar', length: Math.max(1, m[1].replace(/''/g, "'").length) };
  if ((m = /^@(\w+)$/.exec(expr))) {
    const p = params.get(m[1].toLowerCase());
    if (!p) return `parameter @${m[1]} was not sent`;
    return p.type.kind === 'binary' ? 'binary parameters cannot be returned' : p.type;
  }
  if (/^count\s*\(/i.test(expr)) return { kind: 'int' };
  if (/^count_big\s*\(/i.test(expr)) return { kind: 'bigint' };
  if ((m = /^cast\s*\(([\s\S]*)\bas\s+([\w\s(),]+?)\s*\)$/i.exec(expr))) {
    const t = parseDeclaredType(m[2]);
    if (!t) return `CAST to ${m[2]} is not a type the test server knows`;
    if (!CAST_TARGETS.has(t.kind)) return `CAST to ${typeName(t)} is not evaluated the same way by SQLite`;
    return t;
  }
  return 'it is an expression';
}

interface Plan {
  sql: string;
  paramNames: Set<string>;
  columns: Column[];
}

/**
 * sql.js, with its WebAssembly from beside the bundle when the build put it there brotli-packed
 * (esbuild.mjs SANDBOX_ASSETS: the extension package), else from the sql.js package as usual.
 */
function loadSqlJs(): ReturnType<typeof initSqlJs> {
  const packed = join(__dirname, 'sql-wasm.wasm.br');
  if (!existsSync(packed)) return initSqlJs();
  const wasm = brotliDecompressSync(readFileSync(packed));
  return initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) });
}

/** A fixture script: a file's path, or SQL text already in memory (the generated sample site) with a name for messages. */
export type Fixture = string | { name: string; sql: string };

export class SqliteEngine {
  private readonly plans = new Map<string, Plan>();
  /** Cursors still streaming; sql.js's export() frees every statement, so it waits for none. */
  private openCursors = 0;

  private constructor(
    private readonly db: Database,
    /** view (lower case) → column (lower case) → type, from `-- tds-type:` comments */
    private readonly declared: Map<string, Map<string, SqlType>>,
  ) {}

  /**
   * Loads the fixture scripts; with `image` (a database saved by `exportImage()`), the data comes
   * from the image and the scripts are read only for their `-- tds-type:` declarations.
   */
  static async load(fixtureFiles: Fixture[], image?: Uint8Array): Promise<SqliteEngine> {
    if (fixtureFiles.length === 0) throw new Error('startTdsTestServer: give at least one fixture file (fixtureFiles).');
    const SQL = await loadSqlJs();
    const db = image ? new SQL.Database(image) : new SQL.Database();
    const declared = new Map<string, Map<string, SqlType>>();
    for (const fixture of fixtureFiles) {
      const file = typeof fixture === 'string' ? fixture : fixture.name;
      let text: string;
      try {
        text = typeof fixture === 'string' ? readFileSync(fixture, 'utf8') : fixture.sql;
      } catch (e) {
        throw new Error(`Cannot read the fixture ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
      text.split('\n').forEach((line, i) => {
        const m = /^\s*--\s*tds-type:\s*(\S+?)\.(\S+)\s+(.+?)\s*$/i.exec(line);
        if (!m) return;
        const t = parseDeclaredType(m[3]);
        if (!t)
          throw new Error(
            `${file}:${i + 1}: tds-type ${m[3]} is not a type the test server knows (e.g. NVARCHAR(256), NVARCHAR(MAX), INT, BIGINT, BIT, DATETIME, DATETIME2, UNIQUEIDENTIFIER, XML).`,
          );
        const view = m[1].replace(/^\[|\]$/g, '').toLowerCase();
        if (!declared.has(view)) declared.set(view, new Map());
        declared.get(view)!.set(m[2].replace(/^\[|\]$/g, '').toLowerCase(), t);
      });
      if (image) continue;
      try {
        db.run(caseInsensitiveText(text));
      } catch (e) {
        throw new Error(`The fixture ${file} does not load into SQLite: ${(e as Error).message}`, { cause: e });
      }
    }
    const engine = new SqliteEngine(db, declared);
    engine.checkSchema();
    return engine;
  }

  /** The sql.js database itself, for a caller that changes the data (the sandbox world's console). */
  get database(): Database {
    return this.db;
  }

  /** True while a result is being streamed (exportImage would cut it off). */
  get busy(): boolean {
    return this.openCursors > 0;
  }

  /** The whole database as an SQLite file image; call only when not `busy`. */
  exportImage(): Uint8Array {
    if (this.busy) throw new Error('SqliteEngine.exportImage: a result is still streaming; try again when the engine is not busy.');
    return this.db.export();
  }

  /** Every column of every fixture table and view must have a SQL Server type: found now, not mid-test. */
  private checkSchema(): void {
    const objects =
      this.db.exec("SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")[0]?.values ?? [];
    const problems: string[] = [];
    for (const [name, kind] of objects as [string, string][]) {
      for (const [column, declaredType] of this.tableInfo('main', name)) {
        const override = this.declared.get(name.toLowerCase())?.get(column.toLowerCase());
        if (override) continue;
        if (!parseDeclaredType(declaredType)) {
          problems.push(
            `${kind} ${name}.${column}: ${declaredType ? `type '${declaredType}' is unknown` : 'computed column without a type'}` +
              (kind === 'view' ? ` (declare it: -- tds-type: ${name}.${column} <TYPE>)` : ''),
          );
        }
      }
    }
    if (problems.length) throw new Error(`The fixture has columns without a SQL Server type:\n  ${problems.join('\n  ')}`);
  }

  private tableInfo(schema: string, name: string): [string, string][] {
    const rows = this.db.exec(`PRAGMA ${schema}.table_info([${name.replace(/]/g, ']]')}])`)[0]?.values ?? [];
    return rows.map((r) => [String(r[1]), String(r[2] ?? '')]);
  }

  /**
   * Starts one SELECT statement (already split from its batch): its column types now, its rows one
   * at a time, so a large result is never held whole. Call `close()` when done (also on failure).
   */
  open(statement: string, params: Param[]): Cursor {
    const byName = new Map(params.map((p) => [p.name.toLowerCase(), p]));
    const plan = this.plan(statement, byName);
    const bind: Record<string, SqlValue> = {};
    for (const name of plan.paramNames) {
      const p = byName.get(name.toLowerCase());
      if (!p) throw new TdsError(`Must declare the scalar variable "@${name}".`, 137, 15);
      bind[`@${name}`] = toSqlite(p);
    }
    const stmt = this.prepare(plan.sql);
    let open = true;
    this.openCursors++;
    const close = () => {
      if (open) {
        open = false;
        this.openCursors--;
        stmt.free();
      }
    };
    try {
      stmt.bind(bind);
    } catch (e) {
      close();
      throw sqliteError(e);
    }
    // Exact 64-bit integers only where a BIGINT column needs them: BigInts for every value cost dearly on large results.
    const bigInts = plan.columns.some((c) => c.type.kind === 'bigint');
    return {
      columns: plan.columns,
      next: () => {
        try {
          if (!open || !stmt.step()) return undefined;
          const values: unknown[] = bigInts ? rowWithBigInts(stmt) : stmt.get();
          for (let i = 0; i < values.length; i++) values[i] = fromSqlite(values[i], plan.columns[i]);
          return values;
        } catch (e) {
          throw e instanceof TdsError ? e : sqliteError(e);
        }
      },
      close,
    };
  }

  private prepare(sql: string) {
    try {
      return this.db.prepare(sql);
    } catch (e) {
      throw sqliteError(e);
    }
  }

  private plan(statement: string, params: Map<string, Param>): Plan {
    const key = `${statement}\u0000${[...params.values()].map((p) => `${p.name}:${p.type.kind}`).join(',')}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const t = translate(statement);
    const columns = this.resultColumns(t, params);
    const plan = { sql: t.sql, paramNames: t.paramNames, columns };
    this.plans.set(key, plan);
    return plan;
  }

  /** Lets SQLite resolve the query (as a temporary view, parameters as NULL) and reads each output column's declared type. */
  private resultColumns(t: Translated, params: Map<string, Param>): Column[] {
    const viewSql = segments(t.sql)
      .map((s) => (s.kind === 'code' ? s.text.replace(/@\w+/g, 'NULL') : s.text))
      .join('');
    this.prepare(t.sql).free(); // SQLite's own error (no such table/column, syntax) comes first, unmasked
    let info: [string, string][];
    try {
      this.db.run(`CREATE TEMP VIEW __tds_result AS ${viewSql}`);
      info = this.tableInfo('temp', '__tds_result');
    } catch (e) {
      throw sqliteError(e);
    } finally {
      this.db.run('DROP VIEW IF EXISTS temp.__tds_result');
    }
    const items = selectItems(t.sql);
    const aligned = items && items.length === info.length && !items.some((i) => STAR.test(i));
    if (items && !aligned && items.some((i) => !STAR.test(i) && !COLUMN_REF.test(stripAlias(i)))) {
      throw unsupported('a select list that mixes * with expressions cannot be typed; list the columns');
    }
    const viewsInQuery = [...this.declared.keys()].filter((v) =>
      new RegExp(`(^|[^\\w$#])\\[?${v.replace(/[$#]/g, '\\$&')}\\]?([^\\w$#]|$)`, 'i').test(t.sql),
    );
    return info.map(([name, declaredType], i) => {
      const fromView = viewsInQuery.map((v) => this.declared.get(v)!.get(name.toLowerCase())).filter((x): x is SqlType => Boolean(x));
      const expr = aligned ? stripAlias(items[i]) : undefined;
      let type: SqlType | string;
      if (expr !== undefined && !COLUMN_REF.test(expr)) {
        const fromSubquery = /^\(\s*select\b/i.test(expr) ? parseDeclaredType(declaredType) : undefined;
        type = fromSubquery ?? expressionType(expr, params);
      } else if (fromView.length) {
        type = fromView[0];
      } else {
        type =
          parseDeclaredType(declaredType) ??
          (declaredType ? `its declared type '${declaredType}' is unknown` : 'it is computed without a declared type');
      }
      if (typeof type === 'string') {
        throw unsupported(
          `cannot tell the SQL Server type of result column ${i + 1} '${name}'${expr ? ` (${expr.slice(0, 60)})` : ''}: ${type}`,
        );
      }
      return { name, type };
    });
  }
}

/** SQL Server's default collation is case-insensitive: text columns of fixture tables get COLLATE NOCASE. */
function caseInsensitiveText(script: string): string {
  const out: string[] = [];
  let rest = script;
  for (let m = /\bcreate\s+table\b[^(]*\(/i.exec(rest); m; m = /\bcreate\s+table\b[^(]*\(/i.exec(rest)) {
    let depth = 1,
      j = m.index + m[0].length;
    for (; j < rest.length && depth > 0; j++) {
      if (rest[j] === "'") j = rest.indexOf("'", j + 1);
      else if (rest[j] === '(') depth++;
      else if (rest[j] === ')') depth--;
      if (j < 0) return script; // unbalanced: SQLite will say so
    }
    const body = rest
      .slice(m.index, j)
      .replace(/\b(n?(?:var)?char\s*\(\s*(?:\d+|max)\s*\)|n?text|xml|uniqueidentifier)(?!\s+collate)/gi, '$1 COLLATE NOCASE');
    out.push(rest.slice(0, m.index), body);
    rest = rest.slice(j);
  }
  out.push(rest);
  return out.join('');
}

/** sql.js returns 64-bit integers exactly only when asked (its typings omit the option). */
function rowWithBigInts(stmt: Statement): SqlValue[] {
  return (stmt.get as (params: null, config: { useBigInt: boolean }) => SqlValue[])(null, { useBigInt: true });
}

function toSqlite(p: Param): SqlValue {
  const v = p.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return new Uint8Array(v);
  return v as SqlValue;
}

function fromSqlite(v: unknown, column: Column): unknown {
  if (v === null) return null;
  if (v instanceof Uint8Array)
    throw new TdsError(`test server: column '${column.name}' holds a BLOB; fixtures store text, numbers and dates as text`, 50000);
  if (typeof v === 'bigint' && (column.type.kind === 'nvarchar' || column.type.kind === 'xml')) return v.toString();
  if (typeof v === 'number' && (column.type.kind === 'nvarchar' || column.type.kind === 'xml')) return String(v);
  return v;
}

/** SQLite's message as the SQL Server error a client would get. */
function sqliteError(e: unknown): TdsError {
  const message = String((e as Error)?.message ?? e);
  let m: RegExpExecArray | null;
  if ((m = /no such table: (?:main\.)?(\S+)/.exec(message))) return new TdsError(`Invalid object name '${m[1]}'.`, ERR.INVALID_OBJECT, 16);
  if ((m = /no such column: (\S+)/.exec(message)))
    return new TdsError(`Invalid column name '${m[1].replace(/^.*\./, '')}'.`, ERR.INVALID_COLUMN, 16);
  if ((m = /ambiguous column name: (\S+)/.exec(message))) return new TdsError(`Ambiguous column name '${m[1]}'.`, 209, 16);
  if ((m = /no such function: (\S+)/.exec(message))) return new TdsError(`'${m[1]}' is not a recognized built-in function name.`, 195, 15);
  if ((m = /near "([^"]*)": syntax error/.exec(message))) return new TdsError(`Incorrect syntax near '${m[1]}'.`, ERR.SYNTAX, 15);
  return new TdsError(`test server: SQLite could not run the statement: ${message}`, ERR.UNSUPPORTED, 16);
}
