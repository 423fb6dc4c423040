// Shared by the sandbox-world*.test.ts files: a world in a temp folder, Graph over plain fetch,
// the site through the product's own SqlConnection (mssql over TDS, the world's CA pinned).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/cli';
import { SqlConnection } from '../../src/core/site/sql/connection';
import type { SqlSiteSource } from '../../src/core/plan/types';
import {
  INTUNE_A_PLAN,
  startSandboxWorld,
  type SandboxWorld,
  type SandboxWorldOptions,
  type WorldDevice,
} from '../../src/sandbox/world/index';
import { APP_TOKEN } from './sandbox-helpers';

export const SUBSCRIPTION = 'P0100014';
export const MINUTE = 60_000;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cm2intune-world-'));
}

export async function openWorld(dir: string, options: Partial<SandboxWorldOptions> = {}): Promise<SandboxWorld> {
  // speed 0: only advance() moves time, so a test decides every instant.
  return startSandboxWorld({ dir, clockSpeed: 0, moveDelayMs: 5 * MINUTE, ...options });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function graph<T = any>(
  world: SandboxWorld,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${world.tenant.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${APP_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The admin API of a world over HTTP (what another process would use). */
export async function admin<T = any>(
  world: SandboxWorld,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${world.tenant.url}/_sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function managedDevicesOf(world: SandboxWorld, upn: string): Promise<any[]> {
  const r = await graph(world, 'GET', `/v1.0/users/${encodeURIComponent(upn)}/managedDevices`);
  if (r.status !== 200) throw new Error(`managedDevices of ${upn}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.value;
}

export function isLicensed(user: any): boolean {
  return (user.assignedPlans ?? []).some((p: any) => p.servicePlanId === INTUNE_A_PLAN && p.capabilityStatus === 'Enabled');
}

export interface Candidate {
  resourceId: number;
  upn: string;
  devices: WorldDevice[];
}

/**
 * Users of the subscription collection whose devices all follow them (affinity, not DEM), chosen
 * by licence and by whether they have an offline device.
 */
export function candidates(world: SandboxWorld, want: { licensed: boolean; offline?: boolean; usageLocation?: boolean }): Candidate[] {
  const members = new Set(world.console.members(SUBSCRIPTION));
  const tenantUsers = world.tenantServer.peek().users;
  const byResource = new Map<number, WorldDevice[]>();
  for (const d of world.state().devices)
    if (d.userResourceId !== null) byResource.set(d.userResourceId, [...(byResource.get(d.userResourceId) ?? []), d]);
  const out: Candidate[] = [];
  for (const [resourceId, devices] of byResource) {
    if (!members.has(resourceId) || devices.some((d) => d.dem)) continue;
    const upn = world.console.getUser(resourceId)?.upn;
    const user = upn && tenantUsers.find((u) => String(u.userPrincipalName).toLowerCase() === upn.toLowerCase());
    if (!user || isLicensed(user) !== want.licensed) continue;
    if (want.usageLocation !== undefined && Boolean(user.usageLocation) !== want.usageLocation) continue;
    const hasOffline = devices.some((d) => d.checkInIntervalMs === null);
    if (want.offline !== undefined && hasOffline !== want.offline) continue;
    out.push({ resourceId, upn: String(user.userPrincipalName), devices });
  }
  if (!out.length) throw new Error(`the sample site has no user of the subscription collection with ${JSON.stringify(want)}`);
  return out;
}

/** A wave: a new collection holding these users, excluded from the subscription collection. */
export function excludeWave(world: SandboxWorld, name: string, resourceIds: number[]): string {
  const wave = world.console.newCollection({ name, type: 'user', limitToCollectionId: 'SMS00002' });
  for (const id of resourceIds) world.console.addDirectRule(wave.collectionId, id);
  world.console.addExcludeRule(SUBSCRIPTION, wave.collectionId);
  return wave.collectionId;
}

export function siteConfig(world: SandboxWorld): SqlSiteSource {
  return {
    source: 'sql',
    server: world.site.server,
    port: world.site.port,
    database: world.site.database,
    siteCode: world.site.siteCode,
    auth: { type: 'sql', user: world.site.user },
    encryption: { caFile: world.site.caFile },
    connectTimeoutSeconds: 5,
    requestTimeoutSeconds: 30,
  };
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The CLI in this process, in `dir`, with the world's SQL password; every question answered yes. */
export async function worldCli(world: SandboxWorld, dir: string, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    cwd: dir,
    env: { CM2INTUNE_SQL_PASSWORD: world.site.password },
    confirm: async () => true,
  };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A plan for the sandbox world's site and tenant, as an admin writes it (`extra` on top). */
export function worldPlan(world: SandboxWorld, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name,
    site: {
      source: 'sql',
      server: 'localhost',
      port: world.site.port,
      database: world.site.database,
      siteCode: 'P01',
      auth: { type: 'sql', user: world.site.user },
      encryption: { caFile: world.site.caFile },
    },
    tenant: { sandbox: true, url: world.tenant.url },
    subscriptionCollection: SUBSCRIPTION,
    ...extra,
  };
}

/** The phase 2 plan: every kind with assignments, missing groups created, the NDES URL set. */
export function preparePlan(world: SandboxWorld, name: string, prepare: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return worldPlan(world, name, {
    import: { kinds: ['compliance', 'configuration', 'certificate', 'wifi', 'vpn', 'email', 'app'], assignments: true },
    groups: { createMissing: true },
    prepare: { scepServerUrl: 'https://ndes.contoso.com/certsrv/mscep/mscep.dll', ...prepare },
    ...extra,
  });
}

export async function siteQuery<T = any>(world: SandboxWorld, text: string): Promise<T[]> {
  const conn = await SqlConnection.open(siteConfig(world), { planDir: world.dir, password: world.site.password });
  try {
    return await conn.query<T>('test', text);
  } finally {
    await conn.close();
  }
}
