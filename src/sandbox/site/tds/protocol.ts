// TDS 7.4 wire format for the test server: packet framing, the tokens a read-only server sends,
// SQL Server column types and their value encodings, and the LOGIN7 / SQLBatch / RPC decoders.
// Anything not understood throws a TdsError naming it, so the server answers with an ERROR token.

export const PACKET = { SQL_BATCH: 0x01, RPC: 0x03, REPLY: 0x04, ATTENTION: 0x06, LOGIN7: 0x10, PRELOGIN: 0x12 } as const;
export const PACKET_NAMES: Record<number, string> = {
  0x01: 'SQLBatch',
  0x02: 'pre-TDS7 login',
  0x03: 'RPC',
  0x04: 'tabular result',
  0x06: 'ATTENTION',
  0x07: 'bulk load',
  0x08: 'federated auth token',
  0x0e: 'transaction manager request',
  0x10: 'LOGIN7',
  0x11: 'SSPI',
  0x12: 'PRELOGIN',
};
const STATUS_EOM = 0x01;
const STATUS_IGNORE = 0x02;
export const STATUS_RESET_CONNECTION = 0x08;
const HEADER = 8;

const TOKEN = {
  RETURNSTATUS: 0x79,
  COLMETADATA: 0x81,
  ERROR: 0xaa,
  LOGINACK: 0xad,
  ROW: 0xd1,
  NBCROW: 0xd2,
  ENVCHANGE: 0xe3,
  DONE: 0xfd,
  DONEPROC: 0xfe,
  DONEINPROC: 0xff,
} as const;
export const DONE_FINAL = 0x00;
export const DONE_MORE = 0x01;
export const DONE_ERROR = 0x02;
export const DONE_COUNT = 0x10;
export const DONE_ATTN = 0x20;

/** SQL_Latin1_General_CP1_CI_AS: the collation of a default ConfigMgr site database. */
const COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);
const MS_PER_DAY = 86_400_000;
const DAYS_0001_TO_1970 = 719_162;
const DAYS_1900_TO_1970 = 25_567;

/** An error SQL Server would report with an ERROR token (number, class as in SQL Server). */
export class TdsError extends Error {
  constructor(
    message: string,
    readonly number = 50000,
    readonly severity = 16,
    readonly state = 1,
  ) {
    super(message);
    this.name = 'TdsError';
  }
}

// ---- SQL Server types ----

export type SqlType =
  | { kind: 'int' | 'bigint' | 'smallint' | 'tinyint' | 'bit' | 'float' | 'real' | 'datetime' | 'date' | 'uniqueidentifier' | 'xml' }
  | { kind: 'nvarchar'; length: number | 'max' }
  | { kind: 'datetime2'; scale: number };

/** Largest PLP chunk the server sends: a long value goes out as many chunks, not one. */
const PLP_CHUNK = 8000;

export function typeName(t: SqlType): string {
  if (t.kind === 'nvarchar') return `NVARCHAR(${t.length === 'max' ? 'MAX' : t.length})`;
  if (t.kind === 'datetime2') return `DATETIME2(${t.scale})`;
  return t.kind.toUpperCase();
}

/**
 * Maps a declared column type (as written in a fixture CREATE TABLE, or in a `tds-type` comment) to
 * the SQL Server type the real view column has. TEXT/NTEXT read as NVARCHAR(MAX), the way
 * ConfigMgr's ntext columns reach a client; XML stays XML. Returns undefined when unknown.
 */
export function parseDeclaredType(declared: string): SqlType | undefined {
  const d = declared
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')');
  let m: RegExpMatchArray | null;
  if ((m = /^n?(?:var)?char(?:acter)?(?: varying)?\((\d+|max)\)$/.exec(d))) {
    if (m[1] === 'max') return { kind: 'nvarchar', length: 'max' };
    const n = Number(m[1]);
    return n >= 1 && n <= 4000 ? { kind: 'nvarchar', length: n } : undefined;
  }
  if (d === 'text' || d === 'ntext') return { kind: 'nvarchar', length: 'max' };
  if (d === 'xml') return { kind: 'xml' };
  if (d === 'int' || d === 'integer') return { kind: 'int' };
  if (
    d === 'bigint' ||
    d === 'smallint' ||
    d === 'tinyint' ||
    d === 'bit' ||
    d === 'real' ||
    d === 'date' ||
    d === 'datetime' ||
    d === 'uniqueidentifier'
  )
    return { kind: d };
  if (d === 'float' || d === 'float(53)') return { kind: 'float' };
  if ((m = /^datetime2(?:\(([0-7])\))?$/.exec(d))) return { kind: 'datetime2', scale: m[1] === undefined ? 7 : Number(m[1]) };
  return undefined;
}

// ---- little encoders ----

const u8 = (v: number) => Buffer.from([v & 0xff]);
const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const i32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};
const i64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(v);
  return b;
};
const ucs2 = (s: string) => Buffer.from(s, 'utf16le');
const bVarchar = (s: string) => Buffer.concat([u8(s.length), ucs2(s)]);
const usVarchar = (s: string) => Buffer.concat([u16(s.length), ucs2(s)]);
const withLength16 = (token: number, body: Buffer) => Buffer.concat([u8(token), u16(body.length), body]);

export function envChange(type: number, newValue: Buffer, oldValue: Buffer): Buffer {
  return withLength16(TOKEN.ENVCHANGE, Buffer.concat([u8(type), newValue, oldValue]));
}
export const envDatabase = (db: string) => envChange(1, bVarchar(db), bVarchar('master'));
export const envCollation = () => envChange(7, Buffer.concat([u8(COLLATION.length), COLLATION]), u8(0));
export const envPacketSize = (size: number) => envChange(4, bVarchar(String(size)), bVarchar('4096'));
export const envResetAck = () => envChange(18, Buffer.alloc(0), Buffer.alloc(0));

export function done(status: number, rowCount = 0, token: number = TOKEN.DONE): Buffer {
  return Buffer.concat([u8(token), u16(status), u16(0xc1 /* SELECT */), i64(BigInt(rowCount))]);
}
export const doneInProc = (status: number, rowCount: number) => done(status, rowCount, TOKEN.DONEINPROC);
export const doneProc = (status: number) => done(status, 0, TOKEN.DONEPROC);
export const returnStatus = (value: number) => Buffer.concat([u8(TOKEN.RETURNSTATUS), i32(value)]);

export function errorToken(e: TdsError, serverName: string): Buffer {
  return withLength16(
    TOKEN.ERROR,
    Buffer.concat([i32(e.number), u8(e.state), u8(e.severity), usVarchar(e.message), bVarchar(serverName), bVarchar(''), i32(1)]),
  );
}

export function loginAck(): Buffer {
  // interface 1 (SQL), TDS 7.4, program name, version 16.0 (SQL Server 2022)
  return withLength16(
    TOKEN.LOGINACK,
    Buffer.concat([u8(1), Buffer.from([0x74, 0x00, 0x00, 0x04]), bVarchar('Microsoft SQL Server'), Buffer.from([16, 0, 0x10, 0x00])]),
  );
}

function typeInfo(t: SqlType): Buffer {
  switch (t.kind) {
    case 'int':
      return Buffer.from([0x26, 4]);
    case 'bigint':
      return Buffer.from([0x26, 8]);
    case 'smallint':
      return Buffer.from([0x26, 2]);
    case 'tinyint':
      return Buffer.from([0x26, 1]);
    case 'bit':
      return Buffer.from([0x68, 1]);
    case 'float':
      return Buffer.from([0x6d, 8]);
    case 'real':
      return Buffer.from([0x6d, 4]);
    case 'datetime':
      return Buffer.from([0x6f, 8]);
    case 'date':
      return Buffer.from([0x28]);
    case 'datetime2':
      return Buffer.from([0x2a, t.scale]);
    case 'uniqueidentifier':
      return Buffer.from([0x24, 16]);
    case 'xml':
      return Buffer.from([0xf1, 0x00 /* no schema */]);
    case 'nvarchar':
      return Buffer.concat([u8(0xe7), u16(t.length === 'max' ? 0xffff : t.length * 2), COLLATION]);
  }
}

export interface Column {
  name: string;
  type: SqlType;
}

/** Wall-clock date/time as SQL Server stores it (no time zone): what fixtures write as 'YYYY-MM-DD hh:mm:ss.fffffff'. */
interface WallClock {
  days: number;
  /** 100 ns units since midnight */ ticks: number;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?Z?$/;

export function parseWallClock(text: string): WallClock | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m.slice(1);
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const days = Math.floor(date.getTime() / MS_PER_DAY) + DAYS_0001_TO_1970;
  return { days, ticks: ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 10_000_000 + Number(frac.padEnd(7, '0')) };
}

/** Formats a wall clock the way fixtures store it, without a needless fraction ('2019-06-17 08:54:21'). */
export function formatWallClock(w: WallClock): string {
  const date = new Date((w.days - DAYS_0001_TO_1970) * MS_PER_DAY);
  const p = (n: number, l = 2) => String(n).padStart(l, '0');
  const secs = Math.floor(w.ticks / 10_000_000),
    frac = w.ticks % 10_000_000;
  const text = `${p(date.getUTCFullYear(), 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ${p(Math.floor(secs / 3600))}:${p(Math.floor(secs / 60) % 60)}:${p(secs % 60)}`;
  return frac ? `${text}.${p(frac, 7).replace(/0+$/, '')}` : text;
}

function guidBytes(text: string): Buffer | undefined {
  const hex = text.replace(/^\{|\}$/g, '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hex)) return undefined;
  const b = Buffer.from(hex.replace(/-/g, ''), 'hex');
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}
function guidText(b: Buffer): string {
  const c = Buffer.from(b);
  c.subarray(0, 4).reverse();
  c.subarray(4, 6).reverse();
  c.subarray(6, 8).reverse();
  const h = c.toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A value from the engine that does not fit its column type: a fixture or query problem, said loudly. */
const misfit = (column: Column, value: unknown, why: string) =>
  new TdsError(
    `test server: column '${column.name}' (${typeName(column.type)}) cannot carry the value ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)?.slice(0, 80)}: ${why}`,
    50000,
  );

const INT_RANGE: Record<string, [bigint, bigint]> = {
  tinyint: [0n, 255n],
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INT_BYTES: Record<string, number> = { tinyint: 1, smallint: 2, int: 4, bigint: 8 };

function encodeValue(column: Column, value: unknown): Buffer {
  const t = column.type;
  switch (t.kind) {
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint': {
      let n: bigint;
      if (typeof value === 'bigint') n = value;
      else if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
      else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
      else throw misfit(column, value, 'not an integer');
      const [lo, hi] = INT_RANGE[t.kind];
      if (n < lo || n > hi) throw misfit(column, value, 'out of range');
      const size = INT_BYTES[t.kind],
        b = Buffer.alloc(size);
      if (size === 8) b.writeBigInt64LE(n);
      else b.writeIntLE(Number(n), 0, size);
      return Buffer.concat([u8(size), b]);
    }
    case 'bit': {
      const n = typeof value === 'boolean' ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
      if (n !== 0 && n !== 1) throw misfit(column, value, 'BIT takes 0 or 1');
      return Buffer.from([1, n]);
    }
    case 'float':
    case 'real': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number') throw misfit(column, value, 'not a number');
      const b = Buffer.alloc(t.kind === 'float' ? 8 : 4);
      if (t.kind === 'float') b.writeDoubleLE(n);
      else b.writeFloatLE(n);
      return Buffer.concat([u8(b.length), b]);
    }
    case 'nvarchar':
    case 'xml': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') throw misfit(column, value, 'not text');
      const text = String(value);
      const bytes = ucs2(text);
      if (t.kind === 'nvarchar' && t.length !== 'max') {
        if (text.length > t.length) throw misfit(column, value, `${text.length} characters, longer than the declared length`);
        return Buffer.concat([u16(bytes.length), bytes]);
      }
      // PLP: total length, chunks, terminator. Chunks of at most PLP_CHUNK bytes: tedious copies a
      // partly received chunk once per packet, so one huge chunk would cost the client quadratic time.
      const chunks: Buffer[] = [i64(BigInt(bytes.length))];
      for (let at = 0; at < bytes.length; at += PLP_CHUNK) {
        const chunk = bytes.subarray(at, at + PLP_CHUNK);
        chunks.push(u32(chunk.length), chunk);
      }
      chunks.push(u32(0));
      return Buffer.concat(chunks);
    }
    case 'datetime2':
    case 'datetime':
    case 'date': {
      const w = typeof value === 'string' ? parseWallClock(value) : undefined;
      if (!w) throw misfit(column, value, "expected 'YYYY-MM-DD[ hh:mm[:ss[.fffffff]]]'");
      if (t.kind === 'date') {
        const b = Buffer.alloc(3);
        b.writeUIntLE(w.days, 0, 3);
        return Buffer.concat([u8(3), b]);
      }
      if (t.kind === 'datetime') {
        let days = w.days - DAYS_0001_TO_1970 + DAYS_1900_TO_1970;
        let ticks = Math.round((w.ticks * 3) / 100_000); // 1/300 s
        if (ticks >= 300 * 86_400) {
          ticks = 0;
          days += 1;
        }
        if (days < -53_690) throw misfit(column, value, 'DATETIME starts at 1753-01-01');
        const b = Buffer.alloc(8);
        b.writeInt32LE(days, 0);
        b.writeUInt32LE(ticks, 4);
        return Buffer.concat([u8(8), b]);
      }
      const scale = t.kind === 'datetime2' ? t.scale : 7;
      const timeBytes = scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
      const units = Math.floor(w.ticks / 10 ** (7 - scale));
      const b = Buffer.alloc(timeBytes + 3);
      b.writeUIntLE(units, 0, timeBytes);
      b.writeUIntLE(w.days, timeBytes, 3);
      return Buffer.concat([u8(b.length), b]);
    }
    case 'uniqueidentifier': {
      const b = typeof value === 'string' ? guidBytes(value) : undefined;
      if (!b) throw misfit(column, value, 'not a GUID');
      return Buffer.concat([u8(16), b]);
    }
  }
}

export function colMetadata(columns: Column[]): Buffer {
  const parts: Buffer[] = [u8(TOKEN.COLMETADATA), u16(columns.length)];
  for (const c of columns) parts.push(u32(0), u16(0x0001 /* nullable */), typeInfo(c.type), bVarchar(c.name));
  return Buffer.concat(parts);
}

const SMALL_INT_RANGE: Record<string, [number, number]> = { tinyint: [0, 255], smallint: [-32768, 32767], int: [-2147483648, 2147483647] };
/** Reused by every row(): large results encode millions of rows, mostly short text and INTs. */
let scratch = Buffer.allocUnsafe(65_536);

/** Makes room for n more bytes after the first `used` of the scratch buffer. */
function room(used: number, n: number): void {
  if (used + n <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(2 * scratch.length, used + n));
  scratch.copy(bigger, 0, 0, used);
  scratch = bigger;
}

/** ROW, or NBCROW (null bitmap + the non-null values) when the row has NULLs, as SQL Server does. */
export function row(columns: Column[], values: unknown[]): Buffer {
  let at = 0;
  const nulls = values.some((v) => v === null || v === undefined);
  const bitmapAt = 1,
    bitmapBytes = nulls ? Math.ceil(columns.length / 8) : 0;
  room(at, 1 + bitmapBytes);
  scratch[at++] = nulls ? TOKEN.NBCROW : TOKEN.ROW;
  scratch.fill(0, at, at + bitmapBytes);
  at += bitmapBytes;
  for (let i = 0; i < columns.length; i++) {
    const t = columns[i].type,
      v = values[i];
    if (v === null || v === undefined) {
      scratch[bitmapAt + (i >> 3)] |= 1 << (i & 7);
      continue;
    }
    // Fast paths for what fits for sure; anything else (and every misfit) goes through encodeValue.
    if (t.kind === 'nvarchar' && t.length !== 'max' && typeof v === 'string' && v.length <= t.length) {
      room(at, 2 + 2 * v.length);
      scratch.writeUInt16LE(2 * v.length, at);
      at += 2 + scratch.write(v, at + 2, 'utf16le');
    } else if (
      t.kind in SMALL_INT_RANGE &&
      typeof v === 'number' &&
      Number.isInteger(v) &&
      v >= SMALL_INT_RANGE[t.kind][0] &&
      v <= SMALL_INT_RANGE[t.kind][1]
    ) {
      const size = INT_BYTES[t.kind];
      room(at, 1 + size);
      scratch[at++] = size;
      at = scratch.writeIntLE(v, at, size);
    } else {
      const b = encodeValue(columns[i], v);
      room(at, b.length);
      at += b.copy(scratch, at);
    }
  }
  return Buffer.from(scratch.subarray(0, at));
}

// ---- packets ----

/** Splits a whole message into packets of at most packetSize bytes. */
export function packets(type: number, payload: Buffer, packetSize: number, spid: number): Buffer {
  const out: Buffer[] = [];
  const writer = new PacketWriter(type, packetSize, spid, (bytes) => out.push(bytes));
  writer.write(payload);
  writer.end();
  return out.length === 1 ? out[0] : Buffer.concat(out);
}

/**
 * Frames one message into packets while its tokens are still being produced, so a result of a
 * million rows never sits in memory whole: full packets go to `sink` in chunks of about 64 KB
 * (one TLS write each); `end()` sends the rest, the last packet marked end-of-message.
 */
export class PacketWriter {
  private packet: Buffer;
  private used = HEADER;
  private id = 1;
  private ready: Buffer[] = [];
  private readyBytes = 0;

  constructor(
    private readonly type: number,
    private readonly packetSize: number,
    private readonly spid: number,
    private readonly sink: (bytes: Buffer) => void,
  ) {
    this.packet = Buffer.allocUnsafe(packetSize);
  }

  write(token: Buffer): void {
    for (let off = 0; off < token.length;) {
      // A full packet is sent only once more data follows: the last one must carry EOM.
      if (this.used === this.packetSize) this.seal(false);
      const n = token.copy(this.packet, this.used, off);
      this.used += n;
      off += n;
    }
  }

  end(): void {
    this.seal(true);
    this.flush();
  }

  private seal(last: boolean): void {
    const p = this.packet;
    p[0] = this.type;
    p[1] = last ? STATUS_EOM : 0;
    p.writeUInt16BE(this.used, 2);
    p.writeUInt16BE(this.spid, 4);
    p[6] = this.id & 0xff;
    p[7] = 0;
    this.ready.push(p.subarray(0, this.used));
    this.readyBytes += this.used;
    this.packet = Buffer.allocUnsafe(this.packetSize);
    this.used = HEADER;
    this.id++;
    if (this.readyBytes >= 65_536) this.flush();
  }

  private flush(): void {
    if (!this.ready.length) return;
    const bytes = this.ready.length === 1 ? this.ready[0] : Buffer.concat(this.ready, this.readyBytes);
    this.ready = [];
    this.readyBytes = 0;
    this.sink(bytes);
  }
}

/** `ignored`: the client cancelled the request before sending all of it (IGNORE bit on its last packet). */
export interface Message {
  type: number;
  status: number;
  payload: Buffer;
  ignored: boolean;
}

/** Reassembles packets from a byte stream into messages (EOM-terminated). */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private firstStatus = -1;
  private type = -1;

  /** Feeds bytes; returns the messages completed by them. */
  push(chunk: Buffer): Message[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Message[] = [];
    while (this.pending.length >= HEADER) {
      const length = this.pending.readUInt16BE(2);
      if (length < HEADER) throw new TdsError(`test server: packet with impossible length ${length}`, 4002, 20);
      if (this.pending.length < length) break;
      const type = this.pending[0],
        status = this.pending[1];
      if (this.type === -1) {
        this.type = type;
        this.firstStatus = status;
      } else if (type !== this.type && type !== PACKET.ATTENTION)
        throw new TdsError(
          `test server: packet of type 0x${type.toString(16)} inside a message of type 0x${this.type.toString(16)}`,
          4002,
          20,
        );
      if (type === PACKET.ATTENTION && this.type !== PACKET.ATTENTION) {
        // An ATTENTION may cut a partly sent request: the request is dropped, the attention kept.
        this.parts = [];
        this.type = type;
        this.firstStatus = status;
      }
      this.parts.push(this.pending.subarray(HEADER, length));
      this.pending = this.pending.subarray(length);
      if (status & STATUS_EOM) {
        out.push({
          type: this.type,
          status: this.firstStatus,
          payload: Buffer.concat(this.parts),
          ignored: (status & STATUS_IGNORE) !== 0,
        });
        this.parts = [];
        this.type = -1;
        this.firstStatus = -1;
      }
    }
    return out;
  }
}

// ---- PRELOGIN ----

export const ENCRYPT = { OFF: 0x00, ON: 0x01, NOT_SUP: 0x02, REQ: 0x03 } as const;

/** Reads the client's ENCRYPTION option (undefined when absent). */
export function preloginEncryption(payload: Buffer): number | undefined {
  for (let o = 0; o < payload.length && payload[o] !== 0xff; o += 5) {
    if (payload[o] === 0x01) return payload[payload.readUInt16BE(o + 1)];
  }
  return undefined;
}

export function preloginReply(encryption: number): Buffer {
  const options: [number, Buffer][] = [
    [0x00, Buffer.from([16, 0, 0x10, 0x00, 0, 0])],
    [0x01, u8(encryption)],
    [0x02, u8(0)],
    [0x03, u32(0)],
    [0x04, u8(0)],
  ];
  let offset = options.length * 5 + 1;
  const heads = options.map(([token, data]) => {
    const h = Buffer.alloc(5);
    h[0] = token;
    h.writeUInt16BE(offset, 1);
    h.writeUInt16BE(data.length, 3);
    offset += data.length;
    return h;
  });
  return Buffer.concat([...heads, u8(0xff), ...options.map(([, d]) => d)]);
}

// ---- LOGIN7 ----

export interface Login {
  user: string;
  password: string;
  database: string;
  packetSize: number;
  integratedSecurity: boolean;
  tdsVersion: number;
}

export function parseLogin7(p: Buffer): Login {
  if (p.length < 94) throw new TdsError(`test server: LOGIN7 of ${p.length} bytes is too short to read`, 4002, 20);
  const field = (at: number) => {
    const off = p.readUInt16LE(at),
      chars = p.readUInt16LE(at + 2);
    return p.subarray(off, off + chars * 2);
  };
  // Passwords travel nibble-swapped and XORed with 0xA5 (MS-TDS 2.2.6.4).
  const password = Buffer.from(
    field(44).map((b) => {
      const x = b ^ 0xa5;
      return ((x & 0x0f) << 4) | (x >> 4);
    }),
  ).toString('utf16le');
  return {
    tdsVersion: p.readUInt32BE(4),
    packetSize: p.readUInt32LE(8),
    integratedSecurity: (p[25] & 0x80) !== 0,
    user: field(40).toString('utf16le'),
    password,
    database: field(68).toString('utf16le'),
  };
}

// ---- SQLBatch and RPC ----

/** Skips ALL_HEADERS (transaction descriptor etc.): its first DWORD is its total length. */
function skipAllHeaders(p: Buffer): number {
  if (p.length < 4) throw new TdsError('test server: request without ALL_HEADERS', 4002, 20);
  const len = p.readUInt32LE(0);
  if (len < 4 || len > p.length)
    throw new TdsError(`test server: ALL_HEADERS length ${len} does not fit the ${p.length}-byte request`, 4002, 20);
  return len;
}

export function parseSqlBatch(p: Buffer): string {
  return p.toString('utf16le', skipAllHeaders(p));
}

export interface Param {
  name: string;
  type: SqlType | { kind: 'binary' };
  value: unknown;
}
export interface Rpc {
  procedure: number | string;
  params: Param[];
}

const PROC_NAMES: Record<number, string> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  4: 'sp_cursorfetch',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  15: 'sp_unprepare',
};
export const procedureName = (p: number | string) => (typeof p === 'number' ? (PROC_NAMES[p] ?? `procedure id ${p}`) : p);

export function parseRpc(p: Buffer): Rpc {
  let o = skipAllHeaders(p);
  const nameLen = p.readUInt16LE(o);
  o += 2;
  let procedure: number | string;
  if (nameLen === 0xffff) {
    procedure = p.readUInt16LE(o);
    o += 2;
  } else {
    procedure = p.toString('utf16le', o, o + nameLen * 2);
    o += nameLen * 2;
  }
  o += 2; // option flags
  const params: Param[] = [];
  while (o < p.length) {
    if (p[o] === 0x80 || p[o] === 0xff || p[o] === 0xfe)
      throw new TdsError('test server: several RPCs in one request (batch flag) are not supported', 50000);
    const n = p[o++];
    const name = p.toString('utf16le', o, o + n * 2);
    o += n * 2;
    const status = p[o++];
    if (status & 0x01) throw new TdsError(`test server: OUTPUT parameter ${name} is not supported (read-only queries only)`, 50000);
    const r = readParam(p, o, name);
    params.push({ name: name.replace(/^@/, ''), type: r.type, value: r.value });
    o = r.o;
  }
  return { procedure, params };
}

const FIXED_LEN_TYPES: Record<number, SqlType> = {
  0x30: { kind: 'tinyint' },
  0x34: { kind: 'smallint' },
  0x38: { kind: 'int' },
  0x7f: { kind: 'bigint' },
  0x32: { kind: 'bit' },
};

function readParam(p: Buffer, start: number, name: string): { type: Param['type']; value: unknown; o: number } {
  let o = start;
  const typeId = p[o++];
  const fixed = FIXED_LEN_TYPES[typeId];
  if (fixed) {
    const size = fixed.kind === 'bit' || fixed.kind === 'tinyint' ? 1 : fixed.kind === 'smallint' ? 2 : fixed.kind === 'int' ? 4 : 8;
    return { type: fixed, value: decodeInt(fixed, p.subarray(o, o + size)), o: o + size };
  }
  switch (typeId) {
    case 0x26:
    case 0x68:
    case 0x6d:
    case 0x6f:
    case 0x24: {
      // INTN BITN FLTN DATETIMN GUID: max length, then length + data
      const max = p[o++];
      const len = p[o++];
      const b = p.subarray(o, o + len);
      o += len;
      const type: SqlType =
        typeId === 0x26
          ? { kind: max === 8 ? 'bigint' : max === 2 ? 'smallint' : max === 1 ? 'tinyint' : 'int' }
          : typeId === 0x68
            ? { kind: 'bit' }
            : typeId === 0x6d
              ? { kind: max === 4 ? 'real' : 'float' }
              : typeId === 0x6f
                ? { kind: 'datetime' }
                : { kind: 'uniqueidentifier' };
      if (len === 0) return { type, value: null, o };
      if (typeId === 0x26)
        return {
          type: { kind: len === 8 ? 'bigint' : len === 2 ? 'smallint' : len === 1 ? 'tinyint' : 'int' },
          value: decodeInt({ kind: len === 8 ? 'bigint' : 'int' }, b),
          o,
        };
      if (typeId === 0x68) return { type, value: b[0] !== 0, o };
      if (typeId === 0x6d) return { type, value: len === 4 ? b.readFloatLE() : b.readDoubleLE(), o };
      if (typeId === 0x24) return { type, value: guidText(b), o };
      if (len !== 8) throw new TdsError(`test server: parameter ${name}: SMALLDATETIME is not supported`, 50000);
      const ms = Math.round((b.readUInt32LE(4) * 1000) / 300);
      return { type, value: formatWallClock({ days: b.readInt32LE(0) - DAYS_1900_TO_1970 + DAYS_0001_TO_1970, ticks: ms * 10_000 }), o };
    }
    case 0x2a:
    case 0x28: {
      // DATETIME2N (scale) / DATEN
      const scale = typeId === 0x2a ? p[o++] : 0;
      const len = p[o++];
      const type: SqlType = typeId === 0x2a ? { kind: 'datetime2', scale } : { kind: 'date' };
      if (len === 0) return { type, value: null, o };
      const b = p.subarray(o, o + len);
      o += len;
      const timeLen = len - 3;
      const units = timeLen ? b.readUIntLE(0, timeLen) : 0;
      return { type, value: formatWallClock({ days: b.readUIntLE(timeLen, 3), ticks: units * 10 ** (7 - scale) }), o };
    }
    case 0xe7:
    case 0xa7:
    case 0xef:
    case 0xaf:
    case 0xa5:
    case 0xad: {
      // (N)VARCHAR, (N)CHAR, VAR/BINARY
      const max = p.readUInt16LE(o);
      o += 2;
      const binary = typeId === 0xa5 || typeId === 0xad;
      if (!binary) o += 5; // collation
      let data: Buffer | null = null;
      if (max === 0xffff) {
        // PLP: total length, then chunks, zero terminator
        const total = p.readBigUInt64LE(o);
        o += 8;
        if (total !== 0xffffffffffffffffn) {
          const chunks: Buffer[] = [];
          for (let n = p.readUInt32LE(o); n !== 0; n = p.readUInt32LE(o)) {
            chunks.push(p.subarray(o + 4, o + 4 + n));
            o += 4 + n;
          }
          o += 4;
          data = Buffer.concat(chunks);
        }
      } else {
        const len = p.readUInt16LE(o);
        o += 2;
        if (len !== 0xffff) {
          data = p.subarray(o, o + len);
          o += len;
        }
      }
      const unicode = typeId === 0xe7 || typeId === 0xef;
      const type: Param['type'] = binary
        ? { kind: 'binary' }
        : { kind: 'nvarchar', length: max === 0xffff ? 'max' : unicode ? max / 2 : max };
      if (data === null) return { type, value: null, o };
      if (binary) return { type, value: Buffer.from(data), o };
      return { type, value: unicode ? data.toString('utf16le') : data.toString('latin1'), o };
    }
    default:
      throw new TdsError(
        `test server: parameter ${name} has TDS type 0x${typeId.toString(16).padStart(2, '0')}, which the test server does not decode (supported: NVARCHAR, VARCHAR, INT family, BIT, FLOAT, DATETIME, DATETIME2, DATE, UNIQUEIDENTIFIER, VARBINARY)`,
        50000,
      );
  }
}

function decodeInt(t: SqlType, b: Buffer): number | bigint | boolean {
  if (t.kind === 'bit') return b[0] !== 0;
  if (b.length === 8) return b.readBigInt64LE();
  return t.kind === 'tinyint' ? b[0] : b.readIntLE(0, b.length);
}
