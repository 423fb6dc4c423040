// The connection to the site database: mssql (tedious) with encryption on by default, a pinned
// CA or certificate thumbprint, timeouts, cancellation, and errors in one line that name the
// server and the login (never the password).
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import sql from 'mssql';
import { UserError } from '../../errors';
import { CA_FILE_LIMIT_BYTES, PlanFileError, readRegularFileSync, resolvePlanFile } from '../../plan/files';
import type { SqlSiteSource } from '../../plan/types';
import { loginName, PASSWORD_ENV } from './login';

const DEFAULT_PORT = 1433;

export interface SqlInput {
  name: string;
  type: sql.ISqlTypeFactoryWithNoParams | sql.ISqlType;
  value: unknown;
}

export interface SqlConnectOptions {
  /** Folder the plan lives in: `encryption.caFile` is relative to it. */
  planDir: string;
  password?: string;
  log?: (line: string) => void;
}

/** A user-fixable problem with the site database: the message is one line, safe to show. */
export class SiteSqlError extends UserError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message, 1);
    this.name = 'SiteSqlError';
  }
}

export function sqlOrigin(config: SqlSiteSource): string {
  return `sql://${config.server}:${config.port ?? DEFAULT_PORT}/${config.database}`;
}

function normaliseThumbprint(value: string): string {
  return value.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/**
 * Builds the mssql configuration. Thumbprint pinning: tedious has no `checkServerIdentity`
 * hook, but every tedious connection emits `secure` with its TLS socket right after the
 * handshake and before LOGIN7 is written; we compare the peer certificate's fingerprint there
 * and destroy the socket on a mismatch, so the login (and the password) is never sent.
 * With a thumbprint, the pin replaces chain validation (self-signed server certificates).
 */
export function poolConfig(config: SqlSiteSource, opts: SqlConnectOptions, pinFailure: { message?: string }): sql.config {
  const password = opts.password ?? process.env[PASSWORD_ENV];
  if (password === undefined || password === '') {
    throw new SiteSqlError(
      `No password for ${loginName(config)} on ${config.server}: set ${PASSWORD_ENV} (or enter it when asked).`,
      'ENOPASSWORD',
    );
  }
  const enc = config.encryption ?? {};
  const encrypt = enc.encrypt ?? true;
  const thumbprint = enc.certificateThumbprint ? normaliseThumbprint(enc.certificateThumbprint) : undefined;
  if (thumbprint && thumbprint.length !== 64 && thumbprint.length !== 40) {
    throw new SiteSqlError(
      `encryption.certificateThumbprint must be a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint; got ${thumbprint.length} digits.`,
      'ECONFIG',
    );
  }
  let ca: string | undefined;
  if (enc.caFile) {
    try {
      ca = readRegularFileSync(resolvePlanFile(opts.planDir, enc.caFile, 'encryption.caFile'), CA_FILE_LIMIT_BYTES, 'CA file');
    } catch (error) {
      if (error instanceof PlanFileError) throw new SiteSqlError(`encryption.caFile ${error.message}`, 'ECONFIG');
      throw error;
    }
  }
  if (enc.trustServerCertificate && !thumbprint) {
    opts.log?.(
      `WARNING: trustServerCertificate is on for ${config.server}: the server certificate is not checked, so anyone between here and the server could read the site data. Pin encryption.caFile or encryption.certificateThumbprint instead.`,
    );
  }
  if (!encrypt) opts.log?.(`WARNING: encryption is off for ${config.server}: the login and the site data travel in clear text.`);

  const auth: Partial<sql.config> =
    config.auth.type === 'ntlm' ? { domain: config.auth.domain, user: config.auth.user, password } : { user: config.auth.user, password };
  return {
    server: config.server,
    port: config.port ?? DEFAULT_PORT,
    database: config.database,
    ...auth,
    connectionTimeout: (config.connectTimeoutSeconds ?? 15) * 1000,
    requestTimeout: (config.requestTimeoutSeconds ?? 120) * 1000,
    pool: { min: 0, max: 4, idleTimeoutMillis: 30_000 },
    options: {
      encrypt,
      trustServerCertificate: Boolean(thumbprint) || Boolean(enc.trustServerCertificate),
      ...(enc.serverName ? { serverName: enc.serverName } : {}),
      ...(ca ? { cryptoCredentialsDetails: { ca } } : {}),
      appName: 'cm2intune',
      // Read-only: we never write, and say so to the server (AG routing to a readable secondary).
      readOnlyIntent: true,
    },
    beforeConnect: thumbprint
      ? (conn) => {
          (conn as unknown as NodeJS.EventEmitter).on('secure', (socket: TLSSocket) => {
            const raw = socket.getPeerCertificate()?.raw;
            const actual = raw ? new X509Certificate(raw)[thumbprint.length === 64 ? 'fingerprint256' : 'fingerprint'] : '';
            if (normaliseThumbprint(actual) !== thumbprint) {
              pinFailure.message = `The certificate of ${config.server}:${config.port ?? DEFAULT_PORT} has thumbprint ${normaliseThumbprint(actual) || '(none)'}, not the pinned ${thumbprint} (encryption.certificateThumbprint): not connecting.`;
              socket.destroy(new Error('certificate thumbprint mismatch'));
            }
          });
        }
      : undefined,
  };
}

/** One clear line for a connection or query failure. */
export function describeSqlError(
  error: unknown,
  config: SqlSiteSource,
  context: { view?: string; pinFailure?: string } = {},
): SiteSqlError {
  if (error instanceof SiteSqlError) return error;
  const e = error as {
    code?: string;
    number?: number;
    message?: string;
    originalError?: { code?: string; message?: string; cause?: { code?: string; errors?: { code?: string }[] } };
  };
  const code = e.code ?? e.originalError?.code ?? '';
  const message = String(e.message ?? error);
  const where = `${config.server}:${config.port ?? DEFAULT_PORT}`;
  const login = loginName(config);
  if (context.pinFailure) return new SiteSqlError(context.pinFailure, 'ECERTPIN');
  if (code === 'ELOGIN') {
    if (/Cannot open database|4060/.test(message)) {
      return new SiteSqlError(
        `Database ${config.database} on ${where} cannot be opened by ${login}: check the database name and that the login is mapped to it.`,
        'ELOGIN',
      );
    }
    const hint =
      config.auth.type === 'ntlm'
        ? `check the domain, the user and the password in ${PASSWORD_ENV}`
        : `check the user and the password in ${PASSWORD_ENV}`;
    return new SiteSqlError(`Login failed for user '${login}' on ${where} (database ${config.database}): ${hint}.`, 'ELOGIN');
  }
  if (code === 'ETIMEOUT' && !context.view) {
    return new SiteSqlError(
      `Could not connect to ${where} within ${config.connectTimeoutSeconds ?? 15} s (connectTimeoutSeconds): is SQL Server running, and is the port open from here?`,
      'ECONNECT',
    );
  }
  if (code === 'ETIMEOUT') {
    return new SiteSqlError(
      `Reading ${context.view} on ${where} took longer than ${config.requestTimeoutSeconds ?? 120} s and was cancelled: raise requestTimeoutSeconds in the plan, or read at a quieter time.`,
      'ETIMEOUT',
    );
  }
  if (code === 'ECANCEL' || code === 'EABORT') return new SiteSqlError('Reading the site was cancelled.', 'ECANCEL');
  if (/self[- ]signed|unable to verify|certificate|altnames|UNABLE_TO_GET_ISSUER|DEPTH_ZERO/i.test(message)) {
    return new SiteSqlError(
      `The TLS certificate of ${where} is not trusted (${message
        .replace(/^.*?- /, '')
        .replace(/\s+/g, ' ')
        .trim()}): pin its CA with encryption.caFile or its thumbprint with encryption.certificateThumbprint.`,
      'ECERT',
    );
  }
  // tedious tries each address of the host and reports "Could not connect (sequence)"; the
  // socket errors are in the cause (an AggregateError).
  const cause = e.originalError?.cause;
  const causes = new Set([cause?.code, ...(cause?.errors ?? []).map((x) => x.code)].filter(Boolean));
  if (/ECONNREFUSED/.test(message) || causes.has('ECONNREFUSED')) {
    return new SiteSqlError(
      `Could not connect to ${where}: connection refused. Is SQL Server running and listening on port ${config.port ?? DEFAULT_PORT}?`,
      'ECONNECT',
    );
  }
  if (causes.has('EHOSTUNREACH') || causes.has('ENETUNREACH') || causes.has('ETIMEDOUT'))
    return new SiteSqlError(
      `Could not connect to ${where}: the server is unreachable from here (${[...causes].join(', ')}). Check site.server and the network path to port ${config.port ?? DEFAULT_PORT}.`,
      'ECONNECT',
    );
  if (/ENOTFOUND|EAI_AGAIN/.test(message) || causes.has('ENOTFOUND') || causes.has('EAI_AGAIN'))
    return new SiteSqlError(`Could not connect to ${where}: the host name ${config.server} does not resolve.`, 'ECONNECT');
  if (code === 'ESOCKET' || code === 'ECONNCLOSED' || code === 'ENOTOPEN') {
    return new SiteSqlError(
      `Lost the connection to ${where}${context.view ? ` while reading ${context.view}` : ''}: ${message.replace(/\s+/g, ' ')}`,
      'ECONNECT',
    );
  }
  if (e.number === 208 || /Invalid object name/.test(message)) {
    return new SiteSqlError(
      `${config.database} on ${where} has no view ${context.view ?? ''} (${message}): is this a ConfigMgr site database, and may ${login} read it?`,
      'ESCHEMA',
    );
  }
  if (e.number === 207 || /Invalid column name/.test(message)) {
    return new SiteSqlError(
      `${context.view ?? 'A view'} on ${where} lacks a column the reader needs (${message}); see docs/site-database.md for the columns used.`,
      'ESCHEMA',
    );
  }
  if (e.number === 229 || /permission was denied/i.test(message)) {
    return new SiteSqlError(
      `${login} may not read ${context.view ?? 'a view'} on ${where} (${message}): grant it db_datareader or the smsschm_users role.`,
      'EPERM',
    );
  }
  return new SiteSqlError(
    `${context.view ? `Reading ${context.view} on ${where} failed` : `Connecting to ${where} failed`}: ${message.replace(/\s+/g, ' ')}`,
    code || 'ESQL',
  );
}

/** A read-only query runner over one pool: typed inputs, cancellation, clear errors. */
export class SqlConnection {
  private readonly inFlight = new Set<sql.Request>();

  private constructor(
    private readonly pool: sql.ConnectionPool,
    readonly config: SqlSiteSource,
    private readonly pinFailure: { message?: string },
  ) {}

  static async open(config: SqlSiteSource, opts: SqlConnectOptions, signal?: AbortSignal): Promise<SqlConnection> {
    const pin: { message?: string } = {};
    const pool = new sql.ConnectionPool(poolConfig(config, opts, pin));
    pool.on('error', () => {}); // surfaced through the failing request instead
    const onAbort = () => void pool.close().catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      await pool.connect();
      signal?.throwIfAborted();
    } catch (error) {
      await pool.close().catch(() => {});
      if (signal?.aborted) throw new SiteSqlError('Reading the site was cancelled.', 'ECANCEL');
      throw describeSqlError(error, config, { pinFailure: pin.message });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return new SqlConnection(pool, config, pin);
  }

  private request(inputs: SqlInput[], timeoutMs?: number): sql.Request {
    // mssql takes a per-request timeout as a constructor override (not in its typings).
    const request =
      timeoutMs === undefined
        ? this.pool.request()
        : new (sql.Request as unknown as new (p: sql.ConnectionPool, o: { requestTimeout: number }) => sql.Request)(this.pool, {
            requestTimeout: timeoutMs,
          });
    for (const input of inputs) request.input(input.name, input.type, input.value);
    return request;
  }

  /** Runs one SELECT; `view` names what is read, for messages. */
  async query<T>(view: string, text: string, inputs: SqlInput[] = [], signal?: AbortSignal, timeoutMs?: number): Promise<T[]> {
    const rows: T[] = [];
    await this.each<T>(view, text, inputs, (row) => rows.push(row), signal, timeoutMs);
    return rows;
  }

  /**
   * Runs one SELECT and hands each row to `onRow` as it arrives, so a big view (memberships of a
   * 100k-user site) is never held as rows beside what is made of them. Resolves with the row count.
   */
  async each<T>(
    view: string,
    text: string,
    inputs: SqlInput[],
    onRow: (row: T) => void,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<number> {
    signal?.throwIfAborted();
    const request = this.request(inputs, timeoutMs);
    request.stream = true;
    this.inFlight.add(request);
    const onAbort = () => request.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let rowFailure: { error: unknown } | undefined;
    try {
      return await new Promise<number>((resolve, reject) => {
        let count = 0;
        let failure: { error: unknown } | undefined;
        request.on('row', (row: T) => {
          if (failure) return;
          try {
            onRow(row);
            count++;
          } catch (error) {
            // A row the reader can't take stops the read: the server is told to stop sending.
            failure = rowFailure = { error };
            request.cancel();
          }
        });
        request.on('error', (error: unknown) => {
          failure ??= { error };
        });
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the driver's error or the row handler's, passed on as it came
        request.on('done', () => (failure ? reject(failure.error) : resolve(count)));
        void request.query(text);
      });
    } catch (error) {
      if (signal?.aborted) throw new SiteSqlError('Reading the site was cancelled.', 'ECANCEL');
      if (rowFailure) throw rowFailure.error;
      throw describeSqlError(error, this.config, { view, pinFailure: this.pinFailure.message });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(request);
    }
  }

  /** Cancels every request still running (ATTENTION to the server). */
  cancelAll(): void {
    for (const request of this.inFlight) request.cancel();
  }

  async close(): Promise<void> {
    this.cancelAll();
    await this.pool.close();
  }
}
