// A TDS 7.4 server on loopback for tests: the real mssql/tedious client logs in over TLS with a SQL
// login and reads fixture data that SQLite (engine.ts) serves under the production view names.
// It answers PRELOGIN (encryption required), LOGIN7, SQLBatch, RPC sp_executesql and ATTENTION;
// anything else gets an ERROR token naming what was not understood, plus a log line.
import { X509Certificate, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { generate } from 'selfsigned';
import { SqliteEngine, splitStatements, type Fixture } from './engine';
import {
  DONE_ATTN,
  DONE_COUNT,
  DONE_ERROR,
  DONE_FINAL,
  DONE_MORE,
  ENCRYPT,
  type Message,
  MessageReader,
  PACKET,
  PACKET_NAMES,
  STATUS_RESET_CONNECTION,
  TdsError,
  colMetadata,
  done,
  doneInProc,
  doneProc,
  envCollation,
  envDatabase,
  envPacketSize,
  envResetAck,
  errorToken,
  loginAck,
  packets,
  parseLogin7,
  parseRpc,
  parseSqlBatch,
  preloginEncryption,
  preloginReply,
  PacketWriter,
  procedureName,
  returnStatus,
  row,
  type Param,
} from './protocol';
import { createTlsBridge, type TlsBridge } from './tls-prelogin';

export interface TdsTestServer {
  readonly host: 'localhost';
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** PEM of the self-signed server certificate (to pin as CA). */
  readonly caPem: string;
  /** SHA-256 of the DER, upper-case hex, no colons. */
  readonly certificateThumbprint: string;
  /** Every SQL text received (batches and sp_executesql statements), in order — tedious's SET batch and mssql's `SELECT 1;` included. */
  readonly statements: string[];
  /** Successful logins so far (a reused pooled connection does not add one). */
  readonly logins: number;
  /** For the CLI: the password is not in it (the product reads CM2INTUNE_SQL_PASSWORD). */
  connectionString(): string;
  close(): Promise<void>;
}

export interface TdsTestServerOptions {
  fixtureFiles: Fixture[];
  /** An engine already loaded (the sandbox world keeps and changes its database); fixtureFiles are then not read. */
  engine?: SqliteEngine;
  /** Key and certificate (PEM) to serve instead of a new self-signed pair, so a restarted server keeps its CA. */
  tls?: { key: string; cert: string };
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Adds latency to every query (tests of request timeouts); not to tedious's SET batch or mssql's `SELECT 1;` pool check. */
  queryDelayMs?: number;
  /** Where "not understood" lines go (default: stderr). */
  log?: (line: string) => void;
}

const SERVER_NAME = 'cm2intune-tds-test';
const SET_OPTIONS =
  /^set\s+(ansi_nulls|ansi_null_dflt_on|ansi_padding|ansi_warnings|arithabort|concat_null_yields_null|cursor_close_on_commit|implicit_transactions|numeric_roundabort|quoted_identifier|xact_abort|nocount|datefirst|dateformat|language|textsize|transaction\s+isolation\s+level|lock_timeout|deadlock_priority)\b/i;
const POOL_CHECK = /^\s*select\s+1\s*;?\s*$/i;

interface Shared {
  engine: SqliteEngine;
  user: string;
  password: string;
  database: string;
  tlsContext: tls.SecureContext;
  statements: string[];
  queryDelayMs: number;
  log: (line: string) => void;
  nextSpid: () => number;
  loggedIn: () => void;
}

export async function startTdsTestServer(options: TdsTestServerOptions): Promise<TdsTestServer> {
  const engine = options.engine ?? (await SqliteEngine.load(options.fixtureFiles));
  const pems = options.tls
    ? { private: options.tls.key, cert: options.tls.cert }
    : await generate([{ name: 'commonName', value: 'localhost' }], {
        keyType: 'ec',
        algorithm: 'sha256',
        notAfterDate: new Date(Date.now() + 7 * 86_400_000),
        extensions: [
          { name: 'basicConstraints', cA: true },
          { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
        ],
      });
  const caPem = pems.cert;
  const certificateThumbprint = new X509Certificate(caPem).fingerprint256.replace(/:/g, '').toUpperCase();
  const statements: string[] = [];
  let spid = 50,
    logins = 0;
  const shared: Shared = {
    engine,
    user: options.user ?? 'cm_reader',
    password: options.password ?? `Tds-${randomBytes(12).toString('base64url')}`,
    database: options.database ?? 'CM_P01',
    tlsContext: tls.createSecureContext({ key: pems.private, cert: pems.cert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }),
    statements,
    queryDelayMs: options.queryDelayMs ?? 0,
    log: options.log ?? ((line) => process.stderr.write(`[tds-test-server] ${line}\n`)),
    nextSpid: () => ++spid,
    loggedIn: () => {
      logins++;
    },
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, shared);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    host: 'localhost',
    port,
    database: shared.database,
    user: shared.user,
    password: shared.password,
    caPem,
    certificateThumbprint,
    statements,
    get logins() {
      return logins;
    },
    connectionString: () =>
      `Server=localhost,${port};Database=${shared.database};User Id=${shared.user};Encrypt=true;TrustServerCertificate=true`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      })),
  };
}

type Phase = 'prelogin' | 'handshake' | 'login' | 'ready' | 'closed';

interface Pending {
  cancelled: boolean;
  wake?: () => void;
}

/** One client connection: PRELOGIN → TLS handshake → LOGIN7 → requests. */
class Connection {
  private phase: Phase = 'prelogin';
  private readonly clearReader = new MessageReader();
  private readonly tlsReader = new MessageReader();
  private bridge?: TlsBridge;
  private packetSize = 4096;
  private readonly spid: number;
  private queue: Promise<void> = Promise.resolve();
  private current?: Pending;
  private secured = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly shared: Shared,
  ) {
    this.spid = shared.nextSpid();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onSocketData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    if (this.secured) return this.bridge!.encrypted(chunk);
    if (this.phase === 'prelogin' && chunk[0] === 0x16) {
      return this.refuse(
        'the client started TLS before PRELOGIN (TDS 8 "strict" encryption), which the test server does not speak; use encrypt: true',
      );
    }
    this.guard(() => {
      for (const m of this.clearReader.push(chunk)) this.onClearMessage(m);
    });
  }

  private onClearMessage(m: Message): void {
    if (this.phase === 'prelogin') {
      if (m.type !== PACKET.PRELOGIN) return this.refuse(`expected PRELOGIN first, got ${packetName(m.type)}`);
      const clientEncryption = preloginEncryption(m.payload);
      // Encryption is required: a client that offers it gets ON; one that does not gets REQ (tedious then refuses, as with a real forced-encryption server).
      const answer = clientEncryption === ENCRYPT.ON || clientEncryption === ENCRYPT.REQ ? ENCRYPT.ON : ENCRYPT.REQ;
      this.socket.write(packets(PACKET.REPLY, preloginReply(answer), this.packetSize, this.spid));
      if (answer !== ENCRYPT.ON) {
        this.shared.log('a client without encryption connected; answered "encryption required"');
        return;
      }
      this.phase = 'handshake';
      this.bridge = createTlsBridge(this.shared.tlsContext, {
        flight: (bytes, last) => {
          this.socket.write(packets(PACKET.PRELOGIN, bytes, this.packetSize, this.spid));
          if (last) {
            this.secured = true;
            this.phase = 'login';
          }
        },
        raw: (bytes, written) => {
          if (this.socket.destroyed || this.socket.write(bytes)) written();
          else this.socket.once('drain', written);
        },
        cleartext: (bytes) =>
          this.guard(() => {
            for (const msg of this.tlsReader.push(bytes)) this.onMessage(msg);
          }),
        error: (e) => {
          this.shared.log(`TLS failed: ${e.message}`);
          this.close();
        },
      });
      return;
    }
    if (this.phase === 'handshake') {
      if (m.type !== PACKET.PRELOGIN)
        return this.refuse(`expected TLS handshake data in PRELOGIN, got ${packetName(m.type)}: the test server requires encryption`);
      return this.bridge!.handshake(m.payload);
    }
    this.refuse(`unexpected ${packetName(m.type)} in clear text`);
  }

  private onMessage(m: Message): void {
    if (this.phase === 'login') {
      if (m.type !== PACKET.LOGIN7) return this.refuse(`expected LOGIN7 after the TLS handshake, got ${packetName(m.type)}`);
      return this.login(m.payload);
    }
    if (this.phase !== 'ready') return;
    if (m.type === PACKET.ATTENTION) {
      // tedious reads one message answering the cancelled request, then one with the acknowledgement
      // (DONE with the ATTN bit): a request still waiting answers with a bare DONE, then the ack follows.
      if (this.current) {
        this.current.cancelled = true;
        this.current.wake?.();
      }
      this.enqueue(async () => this.send(done(DONE_ATTN)));
      return;
    }
    if ((m.type === PACKET.SQL_BATCH || m.type === PACKET.RPC) && m.ignored) {
      // Cancelled while being sent: no ATTENTION follows; the client reads one ordinary response.
      this.enqueue(async () => this.send(done(DONE_FINAL)));
      return;
    }
    if (m.type === PACKET.SQL_BATCH || m.type === PACKET.RPC) {
      this.enqueue(() => this.request(m));
      return;
    }
    const error = new TdsError(
      `test server: TDS message type 0x${m.type.toString(16).padStart(2, '0')} (${packetName(m.type)}) is not understood; it answers SQLBatch, RPC sp_executesql and ATTENTION`,
      50000,
    );
    this.shared.log(error.message);
    this.enqueue(async () => this.send(Buffer.concat([errorToken(error, SERVER_NAME), done(DONE_ERROR)])));
  }

  private login(payload: Buffer): void {
    const login = parseLogin7(payload);
    const fail = (errors: TdsError[]) => {
      this.send(Buffer.concat([...errors.map((e) => errorToken(e, SERVER_NAME)), done(DONE_ERROR)]), () => this.socket.end());
      this.phase = 'closed';
    };
    if (login.integratedSecurity) {
      this.shared.log('a client asked for integrated (Windows/NTLM) authentication; the test server has SQL logins only');
      return fail([
        new TdsError('Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.', 18452, 14),
      ]);
    }
    const loginFailed = new TdsError(`Login failed for user '${login.user}'.`, 18456, 14);
    if (login.user !== this.shared.user || login.password !== this.shared.password) return fail([loginFailed]);
    if (login.database && login.database.toLowerCase() !== this.shared.database.toLowerCase()) {
      return fail([
        new TdsError(`Cannot open database "${login.database}" requested by the login. The login failed.`, 4060, 11),
        loginFailed,
      ]);
    }
    this.packetSize = Math.max(512, Math.min(32767, login.packetSize || 4096));
    this.send(
      Buffer.concat([envDatabase(this.shared.database), envCollation(), loginAck(), envPacketSize(this.packetSize), done(DONE_FINAL)]),
    );
    this.phase = 'ready';
    this.shared.loggedIn();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((e) => {
      this.shared.log(`internal error: ${(e as Error)?.stack ?? e}`);
      this.close();
    });
  }

  /**
   * Answers one request, streaming each result set row by row into packets. After each chunk it
   * yields (waiting for the socket to drain if it is backed up), so an ATTENTION is read mid-result:
   * the cancelled request stops and ends its message with a DONE (the acknowledgement follows as
   * its own message, which is where tedious looks for it).
   */
  private async request(m: Message): Promise<void> {
    const rpc = m.type === PACKET.RPC;
    const pending: Pending = { cancelled: false };
    this.current = pending;
    if (this.socket.destroyed || !this.bridge) return;
    const bridge = this.bridge;
    let backedUp = false,
      sent = false;
    const out = new PacketWriter(PACKET.REPLY, this.packetSize, this.spid, (bytes) => {
      sent = true;
      if (!this.socket.destroyed && !bridge.write(bytes)) backedUp = true;
    });
    const drained = () =>
      new Promise<void>((resolve) => {
        pending.wake = resolve;
        bridge.onDrain(resolve);
      }).then(() => {
        backedUp = false;
        sent = false;
        pending.wake = undefined;
      });
    if (m.status & STATUS_RESET_CONNECTION) out.write(envResetAck());
    try {
      const { sql, params } = rpc ? executeSqlCall(m.payload) : { sql: parseSqlBatch(m.payload), params: [] as Param[] };
      this.shared.statements.push(sql);
      const housekeeping = POOL_CHECK.test(sql) || isSetOnly(sql);
      if (!housekeeping && this.shared.queryDelayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.shared.queryDelayMs);
          pending.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (pending.cancelled) {
        out.write(done(DONE_FINAL));
        return out.end();
      }
      for (const statement of splitStatements(sql)) {
        const query = stripSetLines(statement);
        if (!query.trim()) continue;
        const cursor = this.shared.engine.open(query, params);
        let count = 0;
        try {
          out.write(colMetadata(cursor.columns));
          for (let values = cursor.next(); values; values = cursor.next()) {
            out.write(row(cursor.columns, values));
            count++;
            // After each chunk sent, let the event loop read an ATTENTION and serve other connections.
            if (backedUp) await drained();
            else if (sent) {
              sent = false;
              await new Promise<void>((resolve) => setImmediate(resolve));
            }
            if (pending.cancelled) {
              out.write(done(DONE_FINAL));
              return out.end();
            }
          }
        } finally {
          cursor.close();
        }
        out.write(rpc ? doneInProc(DONE_MORE | DONE_COUNT, count) : done(DONE_MORE | DONE_COUNT, count));
      }
      if (rpc) out.write(Buffer.concat([returnStatus(0), doneProc(DONE_FINAL)]));
      else out.write(done(DONE_FINAL));
    } catch (e) {
      if (pending.cancelled) {
        out.write(done(DONE_FINAL));
        return out.end();
      }
      // Rows already sent stay sent (as with SQL Server); the error and a failed DONE close the message.
      const error = e instanceof TdsError ? e : new TdsError(`test server: ${(e as Error)?.message ?? e}`, 50000);
      if (error.message.startsWith('test server:')) this.shared.log(error.message);
      out.write(errorToken(error, SERVER_NAME));
      if (rpc) out.write(Buffer.concat([doneInProc(DONE_ERROR, 0), returnStatus(1), doneProc(DONE_ERROR)]));
      else out.write(done(DONE_ERROR));
    } finally {
      if (this.current === pending) this.current = undefined;
    }
    out.end();
  }

  private send(payload: Buffer, then?: () => void): void {
    if (this.socket.destroyed || !this.bridge) return;
    this.bridge.write(packets(PACKET.REPLY, payload, this.packetSize, this.spid), then);
  }

  /** Something not understood at the protocol level: say it, then hang up (there is no request to answer). */
  private refuse(why: string): void {
    this.shared.log(`closing a connection: ${why}`);
    this.close();
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const message = e instanceof TdsError ? e.message : `test server: ${(e as Error)?.message ?? e}`;
      if (this.phase === 'ready') {
        this.shared.log(message);
        this.enqueue(async () =>
          this.send(Buffer.concat([errorToken(e instanceof TdsError ? e : new TdsError(message), SERVER_NAME), done(DONE_ERROR)])),
        );
      } else {
        this.refuse(message);
      }
    }
  }

  private close(): void {
    if (this.phase === 'closed' && this.socket.destroyed) return;
    this.phase = 'closed';
    if (this.current) {
      this.current.cancelled = true;
      this.current.wake?.();
    }
    this.bridge?.destroy();
    this.socket.destroy();
  }
}

function packetName(type: number): string {
  return `${PACKET_NAMES[type] ?? 'unknown'} (0x${type.toString(16).padStart(2, '0')})`;
}

/** sp_executesql(@statement, @params, values...): the statement and the typed values. */
function executeSqlCall(payload: Buffer): { sql: string; params: Param[] } {
  const call = parseRpc(payload);
  const name = procedureName(call.procedure);
  if (call.procedure !== 10 && String(call.procedure).toLowerCase() !== 'sp_executesql') {
    throw new TdsError(`test server: RPC ${name} is not supported; it answers sp_executesql only (request.query / request.batch)`, 2812);
  }
  const [statement, declarations, ...values] = call.params;
  if (!statement || typeof statement.value !== 'string') throw new TdsError('test server: sp_executesql without a statement', 50000);
  if (declarations && declarations.value !== null && typeof declarations.value !== 'string')
    throw new TdsError('test server: sp_executesql @params is not text', 50000);
  return { sql: statement.value, params: values };
}

function setLines(sql: string): string[] {
  return sql
    .split(/[\n;]/)
    .map((l) => l.trim())
    .filter(Boolean);
}

function isSetOnly(sql: string): boolean {
  const lines = setLines(sql);
  return lines.length > 0 && lines.every((l) => /^set\s/i.test(l));
}

/** Leading SET lines (tedious's session options, SET NOCOUNT ON) change nothing here; unknown ones are refused. */
function stripSetLines(statement: string): string {
  let rest = statement;
  for (let m = /^\s*(set\s[^\n]*)(\n|$)/i.exec(rest); m; m = /^\s*(set\s[^\n]*)(\n|$)/i.exec(rest)) {
    if (!SET_OPTIONS.test(m[1].trim()))
      throw new TdsError(`test server: '${m[1].trim().slice(0, 60)}' is a SET option the test server does not understand`, 50000);
    rest = rest.slice(m[0].length);
  }
  return rest;
}
