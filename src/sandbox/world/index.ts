// The sandbox world (docs/sandbox.md): the sample site (TDS over TLS, read by the real mssql path)
// and the sandbox tenant, started together from one folder and linked by hybrid MDM's rules: the
// Intune service follows the subscription collection, licences, check-ins and the two forms of the
// subscription's delete wizard. Everything it holds survives a restart from the same folder.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';
import { contosoFixture, OFFLINE_BEFORE } from '../site/contoso/generate';
import { SqliteEngine, type Fixture } from '../site/tds/engine';
import { startTdsTestServer, type TdsTestServer } from '../site/tds/server';
import { defaultSeed, startSandboxTenant, type SandboxTenant } from '../tenant/index';
import { guidOf } from '../tenant/seed/make-seed';
import type { GraphObject } from '../tenant/types';
import { WorldClock, type ClockState } from './clock';
import { ConsoleError, type SiteConsole } from './console';
import { DatabaseSiteConsole } from './site-console';

export const INTUNE_A_PLAN = 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5';
export const WORLD_FORMAT = 'cm2intune-sandbox-world/1';
/** The world's first day: two days after hybrid MDM's retirement, when the sample data was taken. */
export const WORLD_START = Date.parse('2019-09-02T08:00:00Z');
const MINUTE = 60_000,
  HOUR = 60 * MINUTE;

/** Graph's managementAgent for a device under ConfigMgr's authority: an assumption (docs/sandbox.md). */
export const HYBRID_AGENT = 'configurationManagerClientMdm';
export const INTUNE_AGENT = 'mdm';

export type Authority = 'configMgr' | 'intune';
export type SubscriptionState = 'active' | 'authorityChanged' | 'removed';
export type ConnectorState = 'healthy' | 'inactive' | 'absent';

export interface WorldDevice {
  managedDeviceId: string;
  resourceId: number;
  deviceName: string;
  /** The user with affinity (ConfigMgr's primary user), or null. */
  userResourceId: number | null;
  /** Enrolled by a device enrollment manager: never follows its user. */
  dem: boolean;
  /** Regular check-in interval; null = offline, checks in only when told (`checkIn`). */
  checkInIntervalMs: number | null;
  lastCheckInAt: number;
  authority: Authority;
  /** A move the service decided: it happens at `at`. */
  pending?: { to: Authority; at: number };
  /** The move time passed: the device switches when it next checks in (`dueAt`: the answer to Intune's notification; null = its next check-in). */
  awaiting?: { to: Authority; dueAt: number | null };
  /** Unenrolled by "remove the subscription". */
  removed?: boolean;
}

export interface WorldEvent {
  at: string;
  what: string;
  deviceId?: string;
  user?: string;
}

export interface WorldState {
  format: typeof WORLD_FORMAT;
  clock: ClockState;
  moveDelayMs: number;
  checkInIntervalMs: number;
  /** Slow check-ins: how long an online device takes to answer Intune's notification. */
  slowCheckInMs: number;
  subscription: SubscriptionState;
  tenantPoliciesMigrated: boolean;
  devices: WorldDevice[];
  /** The last moves and wizard runs, newest last (at most 500). */
  events: WorldEvent[];
}

export interface SandboxWorldOptions {
  /** The world's folder: created on first start, resumed afterwards. */
  dir: string;
  /** Clock speed on first start (1 = real time); a restart keeps the saved speed unless given. */
  clockSpeed?: number;
  /** The Intune service's delay before following a membership change (default 5 s; about 15 min in the real service). */
  moveDelayMs?: number;
  /** How often an online device checks in (default 8 h, as Intune's regular refresh). */
  checkInIntervalMs?: number;
  /** How often the world looks at its clock in real time (default 200 ms). */
  tickMs?: number;
  /** The site's fixture on first start (default the Contoso site). */
  fixtureFile?: string;
  /** Fixed ports (default: any free port; they may change between starts). */
  sqlPort?: number;
  tenantPort?: number;
}

export interface SandboxWorld {
  readonly dir: string;
  readonly site: {
    server: 'localhost';
    port: number;
    database: string;
    user: string;
    password: string;
    caPem: string;
    caFile: string;
    certificateThumbprint: string;
    siteCode: string;
  };
  readonly tenant: { url: string; tenantId: string };
  readonly tenantServer: SandboxTenant;
  readonly sqlServer: TdsTestServer;
  readonly console: SiteConsole;
  readonly wizard: { changeAuthorityToIntune(): void; removeSubscription(): void };
  readonly clock: { now(): number; speed(): number; setSpeed(speed: number): void; advance(ms: number): void };
  /** Knobs the tests turn. */
  setMoveDelay(ms: number): void;
  setSlowCheckIns(ms: number): void;
  /** The device checks in now (an offline one comes back online). */
  checkIn(managedDeviceId: string): void;
  setConnectors(states: { ndes?: ConnectorState; exchange?: ConnectorState }): void;
  /** Runs whatever is due on the clock now (the world also does it on its own every tick). */
  settle(): void;
  state(): WorldState;
  close(): Promise<void>;
}

const FILES = {
  site: 'site.sqlite',
  tenant: 'tenant.json',
  world: 'world.json',
  login: 'site-login.json',
  key: 'site-tls-key.pem',
  cert: 'site-tls-cert.pem',
};

function writeAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new Error(
      `${path} (${what}) could not be read as JSON (${(e as Error).message}). Delete the sandbox folder to start a new world.`,
      { cause: e },
    );
  }
}

export async function startSandboxWorld(options: SandboxWorldOptions): Promise<SandboxWorld> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const path = (f: keyof typeof FILES) => join(dir, FILES[f]);
  const fixture: Fixture = options.fixtureFile ?? contosoFixture();

  // The site: its database image, login and certificate live in the folder (a local sandbox: the password is not a secret worth more).
  const firstStart = !existsSync(path('site'));
  let engine: SqliteEngine;
  try {
    engine = await SqliteEngine.load([fixture], firstStart ? undefined : new Uint8Array(readFileSync(path('site'))));
  } catch (e) {
    throw new Error(
      `The site database ${firstStart ? `fixture ${typeof fixture === 'string' ? fixture : fixture.name}` : path('site')} could not be loaded (${(e as Error).message}).${firstStart ? '' : ' Delete the sandbox folder to start a new world.'}`,
      { cause: e },
    );
  }
  if (!existsSync(path('login')))
    writeAtomic(path('login'), JSON.stringify({ user: 'cm_reader', password: `Tds-${randomBytes(12).toString('base64url')}` }, null, 2));
  const login = readJson<{ user: string; password: string }>(path('login'), 'the site login');
  if (!existsSync(path('key')) || !existsSync(path('cert'))) {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 3650 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
      ],
    });
    writeAtomic(path('key'), pems.private);
    writeAtomic(path('cert'), pems.cert);
  }
  const tlsPems = { key: readFileSync(path('key'), 'utf8'), cert: readFileSync(path('cert'), 'utf8') };

  let world: World | undefined;
  const tenant = await startSandboxTenant({
    persistPath: path('tenant'),
    throttle: false,
    port: options.tenantPort,
    hooks: {
      admin: (method, sub, body) => world!.admin(method, sub, body),
      afterWrite: () => world?.evaluate(),
    },
  });
  let sql: TdsTestServer;
  try {
    sql = await startTdsTestServer({
      fixtureFiles: [fixture],
      engine,
      tls: tlsPems,
      user: login.user,
      password: login.password,
      port: options.sqlPort,
      log: () => {},
    });
  } catch (e) {
    await tenant.close();
    throw new Error(
      `The sample site's SQL server could not start${options.sqlPort ? ` on port ${options.sqlPort}` : ''}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    world = new World(engine, tenant, path, options, firstStart);
  } catch (e) {
    await Promise.all([sql.close(), tenant.close()]);
    throw e;
  }
  const w = world;
  return {
    dir,
    site: {
      server: 'localhost',
      port: sql.port,
      database: sql.database,
      user: sql.user,
      password: sql.password,
      caPem: sql.caPem,
      caFile: path('cert'),
      certificateThumbprint: sql.certificateThumbprint,
      siteCode: w.console.siteCode,
    },
    tenant: { url: tenant.url, tenantId: tenant.tenantId },
    tenantServer: tenant,
    sqlServer: sql,
    console: w.console,
    wizard: { changeAuthorityToIntune: () => w.changeAuthorityToIntune(), removeSubscription: () => w.removeSubscription() },
    clock: { now: () => w.clock.now(), speed: () => w.clock.speed, setSpeed: (s) => w.setSpeed(s), advance: (ms) => w.advance(ms) },
    setMoveDelay: (ms) => w.setKnob('moveDelayMs', ms),
    setSlowCheckIns: (ms) => w.setKnob('slowCheckInMs', ms),
    checkIn: (id) => w.checkIn(id),
    setConnectors: (states) => w.setConnectors(states),
    settle: () => w.tick(),
    state: () => w.snapshot(),
    close: async () => {
      w.stop();
      await Promise.all([sql.close(), tenant.close()]);
      w.flush();
    },
  };
}

class World {
  readonly clock: WorldClock;
  readonly console: DatabaseSiteConsole;
  private readonly state: WorldState;
  private readonly timer: NodeJS.Timeout;
  private siteDirty = false;
  private siteRetry?: NodeJS.Timeout;

  constructor(
    private readonly engine: SqliteEngine,
    private readonly tenant: SandboxTenant,
    private readonly path: (f: keyof typeof FILES) => string,
    options: SandboxWorldOptions,
    firstStart: boolean,
  ) {
    const saved = existsSync(path('world')) ? readJson<WorldState>(path('world'), 'the world state') : undefined;
    if (saved && saved.format !== WORLD_FORMAT)
      throw new Error(
        `${path('world')} is not a sandbox world state (format "${String(saved.format)}"). Delete the sandbox folder to start a new world.`,
      );
    if (!saved && !firstStart)
      throw new Error(
        `${path('world')} is missing beside ${path('site')}: the folder holds half a world. Delete the sandbox folder to start a new world.`,
      );
    const clock = saved?.clock ?? { now: WORLD_START, speed: 1 };
    this.clock = new WorldClock({ now: clock.now, speed: options.clockSpeed ?? clock.speed });
    this.console = new DatabaseSiteConsole(engine.database, { now: () => this.clock.now(), onChange: () => this.consoleChanged() });
    this.state = saved ?? {
      format: WORLD_FORMAT,
      clock,
      moveDelayMs: 5_000,
      checkInIntervalMs: 8 * HOUR,
      slowCheckInMs: 0,
      subscription: 'active',
      tenantPoliciesMigrated: false,
      devices: this.initialDevices(
        options.checkInIntervalMs === undefined ? 8 * HOUR : positiveMs(options.checkInIntervalMs, 'checkInIntervalMs'),
      ),
      events: [],
    };
    if (options.moveDelayMs !== undefined) this.state.moveDelayMs = checkMs(options.moveDelayMs, 'moveDelayMs');
    if (options.checkInIntervalMs !== undefined) this.state.checkInIntervalMs = positiveMs(options.checkInIntervalMs, 'checkInIntervalMs');
    if (firstStart) {
      this.console.reevaluate(); // the generated membership, now from the rules themselves
      this.siteDirty = true;
    }
    this.tick();
    this.flush();
    this.tenant.update(() => {}); // tenant.json from the first start on, so the folder always holds the whole world
    this.timer = setInterval(() => this.tick(), options.tickMs ?? 200);
    this.timer.unref();
  }

  // ---- first start: the devices the world follows ----

  private initialDevices(interval: number): WorldDevice[] {
    const db = this.engine.database;
    const rows = (sql: string) => db.exec(sql)[0]?.values ?? [];
    const affinity = new Map(rows('SELECT MachineID, UserResourceID FROM v_UsersPrimaryMachines').map(([m, u]) => [Number(m), Number(u)]));
    const guidToResource = new Map(
      rows('SELECT SMS_Unique_Identifier0, ResourceID FROM v_R_System').map(([g, id]) => [String(g), Number(id)]),
    );
    const bySmsGuid = new Map<string, number>();
    for (const [g, id] of guidToResource) bySmsGuid.set(deviceGuid(g), id);
    const start = this.clock.now();
    const devices: WorldDevice[] = [];
    const online = new Map(
      rows('SELECT MachineID, LastActiveTime FROM v_CombinedDeviceResources').map(([m, t]) => [Number(m), String(t) >= OFFLINE_BEFORE]),
    );
    this.tenant.peek().managedDevices.forEach((d, i) => {
      const resourceId = bySmsGuid.get(d.id);
      if (resourceId === undefined) return; // a device the site does not know (not the world's)
      const isOnline = online.get(resourceId) ?? true;
      devices.push({
        managedDeviceId: d.id,
        resourceId,
        deviceName: String(d.deviceName),
        userResourceId: affinity.get(resourceId) ?? null,
        dem: d.deviceEnrollmentType === 'deviceEnrollmentManager',
        checkInIntervalMs: isOnline ? interval : null,
        // Spread over the interval, so check-ins don't all fall on the same instant.
        lastCheckInAt: isOnline ? start - ((i * 7919 * MINUTE) % interval) : Date.parse(String(d.lastSyncDateTime)),
        authority: d.managementAgent === INTUNE_AGENT ? 'intune' : 'configMgr',
      });
    });
    return devices;
  }

  // ---- the Intune service's rules ----

  private subscriptionMembers(): Set<number> {
    const id = this.console.getSubscriptionCollectionId();
    return new Set(id ? this.console.members(id) : []);
  }

  /** Site user resource id → the tenant user (by on-premises SID, else UPN). */
  private tenantUsers(): Map<number, GraphObject> {
    const users = this.tenant.peek().users;
    const bySid = new Map(
      users.filter((u) => u.onPremisesSecurityIdentifier).map((u) => [String(u.onPremisesSecurityIdentifier).toUpperCase(), u]),
    );
    const byUpn = new Map(users.map((u) => [String(u.userPrincipalName).toLowerCase(), u]));
    const out = new Map<number, GraphObject>();
    for (const [id, sid, upn] of this.engine.database.exec('SELECT ResourceID, SID0, User_Principal_Name0 FROM v_R_User')[0]?.values ??
      []) {
      const u = bySid.get(String(sid).toUpperCase()) ?? (upn ? byUpn.get(String(upn).toLowerCase()) : undefined);
      if (u) out.set(Number(id), u);
    }
    return out;
  }

  /**
   * After any change (console, licence): where each device that follows its user should be
   * managed, and a move at now + delay where that differs. Rejoining the collection moves the
   * devices back to hybrid after the same delay (an assumption: docs/sandbox.md).
   */
  evaluate(): void {
    this.tick();
    const now = this.clock.now();
    const members = this.subscriptionMembers();
    if (this.state.subscription !== 'active') return;
    const users = this.tenantUsers();
    let changed = false;
    for (const d of this.state.devices) {
      if (d.removed || d.dem || d.userResourceId === null) continue;
      const user = users.get(d.userResourceId);
      const desired: Authority | undefined = members.has(d.userResourceId) ? 'configMgr' : user && licensed(user) ? 'intune' : undefined;
      if (!desired) continue; // unlicensed and outside the collection: the service leaves it where it is
      const heading = d.awaiting?.to ?? d.pending?.to ?? d.authority;
      if (heading === desired) continue;
      delete d.awaiting;
      changed = true;
      if (d.authority === desired) {
        delete d.pending; // changed back before the move happened
        continue;
      }
      d.pending = { to: desired, at: now + this.state.moveDelayMs };
      this.log(now, `move to ${desired} scheduled for ${iso(d.pending.at)}`, d, user);
    }
    if (changed) this.saveWorld();
  }

  /** Connector states: healthy (as seeded), inactive, absent (none in the tenant). */
  setConnectors(states: { ndes?: ConnectorState; exchange?: ConnectorState }): void {
    for (const [k, v] of Object.entries(states)) {
      if (k !== 'ndes' && k !== 'exchange') throw new ConsoleError(`Unknown connector '${k}': use ndes or exchange.`);
      if (!['healthy', 'inactive', 'absent'].includes(String(v)))
        throw new ConsoleError(`A connector state is healthy, inactive or absent (got ${JSON.stringify(v)}).`);
    }
    this.tenant.update((state) => {
      if (states.ndes) {
        state.ndesConnectors = states.ndes === 'absent' ? [] : structuredClone<GraphObject[]>(defaultSeed().ndesConnectors ?? []);
        if (states.ndes === 'inactive') for (const c of state.ndesConnectors) c.state = 'inactive';
      }
      if (states.exchange) {
        state.exchangeConnectors =
          states.exchange === 'absent' ? [] : structuredClone<GraphObject[]>(defaultSeed().exchangeConnectors ?? []);
        if (states.exchange === 'inactive') for (const c of state.exchangeConnectors) c.status = 'disconnected';
      }
    });
  }

  /** Runs what is due: scheduled moves, answers to notifications, regular check-ins. */
  tick(): void {
    const now = this.clock.now();
    let changed = false;
    const switches: { d: WorldDevice; to: Authority; at: number }[] = [];
    for (const d of this.state.devices) {
      if (d.removed) continue;
      if (d.pending && d.pending.at <= now) {
        const { to, at } = d.pending;
        delete d.pending;
        changed = true;
        if (d.checkInIntervalMs !== null && this.state.slowCheckInMs === 0) switches.push({ d, to, at });
        else d.awaiting = { to, dueAt: d.checkInIntervalMs === null ? null : at + this.state.slowCheckInMs };
      }
      if (d.checkInIntervalMs !== null) {
        const next = d.lastCheckInAt + d.checkInIntervalMs;
        if (next <= now) {
          d.lastCheckInAt = next + Math.floor((now - next) / d.checkInIntervalMs) * d.checkInIntervalMs;
          changed = true;
          if (d.awaiting) {
            const at = d.awaiting.dueAt !== null ? Math.min(d.awaiting.dueAt, next) : next;
            switches.push({ d, to: d.awaiting.to, at });
            delete d.awaiting;
          }
        }
      }
      if (d.awaiting && d.awaiting.dueAt !== null && d.awaiting.dueAt <= now) {
        switches.push({ d, to: d.awaiting.to, at: d.awaiting.dueAt });
        delete d.awaiting;
        changed = true;
      }
    }
    if (switches.length) this.applySwitches(switches);
    if (changed) this.saveWorld();
  }

  private applySwitches(switches: { d: WorldDevice; to: Authority; at: number }[]): void {
    this.tenant.update((state) => {
      for (const { d, to, at } of switches) {
        d.authority = to;
        d.lastCheckInAt = Math.max(d.lastCheckInAt, at);
        const md = state.managedDevices.find((m) => m.id === d.managedDeviceId);
        if (md) {
          md.managementAgent = to === 'intune' ? INTUNE_AGENT : HYBRID_AGENT;
          md.managementState = 'managed';
          md.lastSyncDateTime = iso(at);
        }
        this.log(at, `now managed by ${to === 'intune' ? 'Intune' : 'ConfigMgr (hybrid)'}`, d);
      }
    });
  }

  checkIn(managedDeviceId: string): void {
    const d = this.state.devices.find((x) => x.managedDeviceId === managedDeviceId && !x.removed);
    if (!d) throw new ConsoleError(`No device of the world has the managed device id ${managedDeviceId}.`);
    this.tick();
    const now = this.clock.now();
    const wasOffline = d.checkInIntervalMs === null;
    d.checkInIntervalMs ??= this.state.checkInIntervalMs;
    d.lastCheckInAt = now;
    if (wasOffline) this.log(now, 'checked in (back online)', d);
    const to = d.awaiting?.to;
    delete d.awaiting;
    if (to) this.applySwitches([{ d, to, at: now }]);
    else
      this.tenant.update((state) => {
        const md = state.managedDevices.find((m) => m.id === d.managedDeviceId);
        if (md) md.lastSyncDateTime = iso(now);
      });
    this.saveWorld();
  }

  // ---- the subscription's delete wizard ----

  private wizardAllowed(): void {
    this.tick();
    if (this.state.subscription !== 'active')
      throw new ConsoleError(
        `The Intune subscription is gone (${this.state.subscription === 'removed' ? 'removed' : 'the MDM authority was changed to Intune'}): the delete wizard has nothing to delete.`,
      );
  }

  /** "Change MDM authority to Microsoft Intune": the tenant switches; devices follow as they check in. */
  changeAuthorityToIntune(): void {
    this.wizardAllowed();
    const now = this.clock.now();
    this.dropSubscription();
    this.state.subscription = 'authorityChanged';
    this.state.tenantPoliciesMigrated = true;
    for (const d of this.state.devices) {
      if (d.removed) continue;
      delete d.pending;
      // Devices without a user (and, per the docs, DEM-enrolled ones) are not migrated: support case.
      if (d.authority === 'intune' || d.dem || d.userResourceId === null) {
        delete d.awaiting;
        continue;
      }
      // Intune notifies every device to check in: online ones answer (after slowCheckInMs), offline ones when they connect.
      d.awaiting = { to: 'intune', dueAt: d.checkInIntervalMs === null ? null : now + this.state.slowCheckInMs };
    }
    this.tenant.update((state) => {
      for (const org of state.organization) org.mobileDeviceManagementAuthority = 'intune';
      if (state.termsAndConditions.length === 0) state.termsAndConditions.push(migratedTerms(now));
    });
    this.log(now, 'delete wizard: MDM authority changed to Microsoft Intune');
    this.tick();
    this.saveWorld();
  }

  /** "Remove Microsoft Intune Subscription from Configuration Manager": everything it manages is unenrolled. */
  removeSubscription(): void {
    this.wizardAllowed();
    const now = this.clock.now();
    this.dropSubscription();
    this.state.subscription = 'removed';
    const gone = new Set<string>();
    for (const d of this.state.devices) {
      if (d.removed || d.authority === 'intune') continue;
      d.removed = true;
      delete d.pending;
      delete d.awaiting;
      gone.add(d.managedDeviceId);
      this.log(now, 'unenrolled: the subscription was removed', d);
    }
    this.tenant.update((state) => {
      state.managedDevices = state.managedDevices.filter((m) => !gone.has(m.id));
      for (const org of state.organization) org.mobileDeviceManagementAuthority = 'unknown';
    });
    this.log(now, `delete wizard: subscription removed, ${gone.size} hybrid devices unenrolled`);
    this.saveWorld();
  }

  private dropSubscription(): void {
    this.engine.database.run('DELETE FROM sandbox_IntuneSubscription');
    this.siteDirty = true;
    this.saveSite();
  }

  // ---- clock and knobs ----

  advance(ms: number): void {
    // In steps, so each move and check-in happens at its own time, in order.
    const target = this.clock.now() + checkMs(ms, 'advance');
    for (;;) {
      const next = this.nextEventAt();
      if (next === undefined || next > target) break;
      this.clock.advance(Math.max(0, next - this.clock.now()));
      this.tick();
    }
    this.clock.advance(Math.max(0, target - this.clock.now()));
    this.tick();
    this.saveWorld();
  }

  private nextEventAt(): number | undefined {
    let next: number | undefined;
    const consider = (t: number | null | undefined) => {
      if (t !== null && t !== undefined && (next === undefined || t < next)) next = t;
    };
    for (const d of this.state.devices) {
      if (d.removed) continue;
      consider(d.pending?.at);
      consider(d.awaiting?.dueAt);
      if (d.awaiting && d.checkInIntervalMs !== null) consider(d.lastCheckInAt + d.checkInIntervalMs);
    }
    return next;
  }

  setSpeed(speed: number): void {
    this.tick();
    this.clock.setSpeed(speed);
    this.saveWorld();
  }

  setKnob(key: 'moveDelayMs' | 'slowCheckInMs', ms: number): void {
    this.state[key] = checkMs(ms, key);
    this.saveWorld();
  }

  // ---- persistence ----

  private consoleChanged(): void {
    this.siteDirty = true;
    this.saveSite();
    this.evaluate();
  }

  /** sql.js's export frees open statements: wait until no result is streaming. */
  private saveSite(): void {
    if (!this.siteDirty) return;
    if (this.engine.busy) {
      this.siteRetry ??= setTimeout(() => {
        this.siteRetry = undefined;
        this.saveSite();
      }, 20);
      return;
    }
    writeAtomic(this.path('site'), this.engine.exportImage());
    this.siteDirty = false;
  }

  private saveWorld(): void {
    this.state.clock = this.clock.snapshot();
    writeAtomic(this.path('world'), JSON.stringify(this.state));
  }

  flush(): void {
    this.saveWorld();
    if (this.siteRetry) clearTimeout(this.siteRetry);
    this.siteRetry = undefined;
    if (this.siteDirty && !this.engine.busy) this.saveSite();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private log(at: number, what: string, d?: WorldDevice, user?: GraphObject): void {
    this.state.events.push({
      at: iso(at),
      what,
      ...(d ? { deviceId: d.managedDeviceId } : {}),
      ...(user ? { user: String(user.userPrincipalName) } : {}),
    });
    if (this.state.events.length > 500) this.state.events.splice(0, this.state.events.length - 500);
  }

  snapshot(): WorldState {
    this.tick();
    this.state.clock = this.clock.snapshot();
    return structuredClone(this.state);
  }

  // ---- /_sandbox/world/… ----

  admin(method: string, sub: string, body: unknown): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }> {
    const b = (body ?? {}) as Record<string, unknown>;
    const route = `${method} ${sub.replace(/\/+$/, '')}`;
    let m: RegExpExecArray | null;
    if (route === 'GET state') return { status: 200, body: this.snapshot() };
    if (route === 'POST runbook') return this.runbook(b);
    if (route === 'GET clock') return { status: 200, body: { now: iso(this.clock.now()), speed: this.clock.speed } };
    if (route === 'POST clock/advance') {
      this.advance(Number(b.ms));
      return { status: 200, body: { now: iso(this.clock.now()), speed: this.clock.speed } };
    }
    if (route === 'POST clock/speed') {
      this.setSpeed(b.speed as number);
      return { status: 200, body: { now: iso(this.clock.now()), speed: this.clock.speed } };
    }
    if (route === 'POST knobs') {
      for (const k of Object.keys(b))
        if (k !== 'moveDelayMs' && k !== 'slowCheckInMs') throw new Error(`Unknown knob '${k}': use moveDelayMs or slowCheckInMs.`);
      if (b.moveDelayMs !== undefined) this.setKnob('moveDelayMs', b.moveDelayMs as number);
      if (b.slowCheckInMs !== undefined) this.setKnob('slowCheckInMs', b.slowCheckInMs as number);
      return { status: 204 };
    }
    if (route === 'POST wizard/change-authority') {
      this.changeAuthorityToIntune();
      return { status: 200, body: { subscription: this.state.subscription } };
    }
    if (route === 'POST wizard/remove-subscription') {
      this.removeSubscription();
      return { status: 200, body: { subscription: this.state.subscription } };
    }
    if ((m = /^POST devices\/([^/]+)\/check-in$/.exec(route))) {
      this.checkIn(decodeURIComponent(m[1]));
      return { status: 204 };
    }
    if (route === 'POST connectors') {
      this.setConnectors(b);
      return { status: 204 };
    }
    if (route === 'POST console') return { status: 200, body: { result: this.consoleCall(b) } };
    throw new ConsoleError(
      `Unknown world endpoint ${method} /_sandbox/world/${sub}: use GET state|clock, POST clock/advance {"ms"}, clock/speed {"speed"}, knobs {"moveDelayMs","slowCheckInMs"}, connectors {"ndes","exchange": healthy|inactive|absent}, wizard/change-authority, wizard/remove-subscription, devices/{id}/check-in, console {"method","args"}, runbook {"script","dryRun"}.`,
    );
  }

  /**
   * A runbook of ConfigurationManager cmdlets, applied to the site as the console would
   * (runbook.ts): {"script": "<text>", "dryRun": false}. The transcript comes back; a script
   * outside the console's subset is refused whole (400, with its line) and changes nothing.
   */
  private async runbook(b: Record<string, unknown>): Promise<{ status: number; body?: unknown }> {
    if (typeof b.script !== 'string') throw new ConsoleError('Send {"script": "<the runbook text>", "dryRun": false}.');
    // Loaded on first use: the PowerShell grammar (WebAssembly) is needed only here.
    const { applyRunbook } = await import('./runbook');
    const result = await applyRunbook(b.script, this.console, { dryRunSwitch: b.dryRun === true });
    if (result.outcome === 'refused') {
      return {
        status: 400,
        body: {
          error: { code: 'RunbookRefused', message: `line ${result.line}, column ${result.column}: ${result.reason}` },
          refused: result,
        },
      };
    }
    return { status: 200, body: result };
  }

  /** One SiteConsole call over HTTP: {"method":"addExcludeRule","args":["P0100014","P0100040"]}. */
  private consoleCall(b: Record<string, unknown>): unknown {
    const allowed = [
      'getCollection',
      'newCollection',
      'getRules',
      'addDirectRule',
      'removeDirectRule',
      'addIncludeRule',
      'addExcludeRule',
      'removeExcludeRule',
      'updateMembership',
      'members',
      'getUser',
      'getSubscriptionCollectionId',
      'setSubscriptionCollection',
    ];
    const method = String(b.method);
    if (!allowed.includes(method)) throw new ConsoleError(`'${method}' is not a console method: use one of ${allowed.join(', ')}.`);
    const args = Array.isArray(b.args) ? b.args : [];
    const fn = (this.console as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
    return fn.apply(this.console, args) ?? null;
  }
}

function licensed(user: GraphObject): boolean {
  return ((user.assignedPlans ?? []) as { servicePlanId: string; capabilityStatus: string }[]).some(
    (p) => p.servicePlanId.toLowerCase() === INTUNE_A_PLAN && p.capabilityStatus === 'Enabled',
  );
}

function migratedTerms(now: number): GraphObject {
  return {
    '@odata.type': '#microsoft.graph.termsAndConditions',
    id: '17fc9d43-2558-49b1-866c-63e240a5a9a0',
    displayName: 'Contoso Terms of Use',
    description: 'Migrated from ConfigMgr',
    title: 'Contoso – Terms of Use',
    bodyText: 'Company devices are managed by Contoso IT.',
    acceptanceStatement: 'I accept the Contoso terms of use.',
    version: 1,
    createdDateTime: iso(now),
    lastModifiedDateTime: iso(now),
  };
}

/** The tenant's managed device id for a site device (the seed derives it the same way). */
function deviceGuid(smsGuid: string): string {
  return guidOf('device', smsGuid);
}

const iso = (t: number) => new Date(t).toISOString();

function positiveMs(v: unknown, what: string): number {
  if (checkMs(v, what) === 0) throw new ConsoleError(`${what} must be more than 0 ms.`);
  return v as number;
}

function checkMs(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ConsoleError(`${what} must be a number of milliseconds, 0 or more (got ${JSON.stringify(v)}).`);
  return v;
}
