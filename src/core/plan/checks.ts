// The product's own checks on a plan: what a schema can't say. Each works on the raw parsed
// value defensively, so it still reports while the schema finds other errors.
import { resolve } from 'node:path';
import { clipText, type Finding } from '../findings';
import type { PlanDocument } from './document';
import { stripRevision } from '../unique-id';
import { planPath } from './files';

export interface CheckContext {
  doc: PlanDocument;
  /** Folder of the plan file: relative paths in the plan are relative to it. */
  planDir: string;
  exists(path: string): boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALL_USERS = 'SMS00002';

export function semanticFindings(plan: unknown, ctx: CheckContext): Finding[] {
  if (!isObject(plan)) return [];
  return [
    ...checkSecrets(plan, '', ctx),
    ...checkPlaceholders(plan, ctx),
    ...checkTenant(plan, ctx),
    ...checkSite(plan, ctx),
    ...checkSelection(plan, ctx),
    ...checkWaves(plan, ctx),
    ...checkSubscriptionCollection(plan, ctx),
    ...checkAcceptedGroups(plan, ctx),
  ];
}

/** groups.acceptDifferentMembers: an entry for a collection groups.map already decides changes nothing. */
function checkAcceptedGroups(plan: Json, ctx: CheckContext): Finding[] {
  const groups = isObject(plan.groups) ? plan.groups : {};
  const mapped = isObject(groups.map) ? groups.map : {};
  const out: Finding[] = [];
  strings(groups.acceptDifferentMembers).forEach((id, i) => {
    if (id in mapped)
      out.push(
        finding(
          ctx,
          'warning',
          'plan/accept-mapped',
          `/groups/acceptDifferentMembers/${i}`,
          `groups.acceptDifferentMembers names ${clipText(id)}, which groups.map maps already: a group the plan names is used whatever its members. Remove the entry.`,
        ),
      );
  });
  return out;
}

function finding(ctx: CheckContext, severity: Finding['severity'], code: string, pointer: string, message: string): Finding {
  return { severity, code, message, pointer, range: ctx.doc.rangeAt(pointer) };
}

/** A value still in the starter plan's angle brackets: `"<site database server, e.g. cm01.contoso.com>"`. */
export const STARTER_PLACEHOLDER = /^<[^<>\n]+>$/;

/** `/site/auth/user` -> `site.auth.user`, `/waves/0/users/1` -> `waves[0].users[1]`. */
const dotted = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');

// The starter plan names no server the admin doesn't have: its site is placeholders, each an
// error until filled in, so nothing connects to (or asks a password for) a made-up server.
function checkPlaceholders(root: Json, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length) {
    const [value, pointer] = stack.pop()!;
    if (typeof value === 'string') {
      if (STARTER_PLACEHOLDER.test(value))
        out.push(
          finding(
            ctx,
            'error',
            'plan/fill-in',
            pointer,
            `Fill in ${dotted(pointer)}: replace the starter plan's placeholder "${clipText(value)}" with ${clipText(value.slice(1, -1))}.`,
          ),
        );
      continue;
    }
    const next: [unknown, string][] = Array.isArray(value)
      ? value.map((v, i) => [v, `${pointer}/${i}`])
      : isObject(value)
        ? Object.entries(value).map(([k, v]) => [v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`])
        : [];
    stack.push(...next.reverse());
  }
  return out;
}

const SECRET_KEY = /^(pass(word)?|pwd|secret|client_?secret|token|access_?token|credentials?)$/i;

// A secret anywhere in a plan is an error of its own: plans get committed and shared. Iterative,
// in document order, so no nesting can overflow the stack.
function checkSecrets(root: unknown, rootPointer: string, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const stack: [unknown, string][] = [[root, rootPointer]];
  while (stack.length) {
    const [value, pointer] = stack.pop()!;
    const next: [unknown, string][] = [];
    if (Array.isArray(value)) value.forEach((v, i) => next.push([v, `${pointer}/${i}`]));
    else if (isObject(value)) {
      for (const [key, v] of Object.entries(value)) {
        const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!SECRET_KEY.test(key)) {
          next.push([v, at]);
          continue;
        }
        out.push({
          severity: 'error' as const,
          code: 'plan/secret-in-plan',
          message: `"${clipText(key)}" can't be in a plan: plans are shared and committed, secrets never go in them. Remove it; the SQL password comes from CM2INTUNE_SQL_PASSWORD or a prompt, tenant credentials from sign-in.`,
          pointer: at,
          range: ctx.doc.rangeAt(pointer, { key }),
        });
      }
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
  return out;
}

function checkTenant(plan: Json, ctx: CheckContext): Finding[] {
  const tenant = plan.tenant;
  if (!isObject(tenant) || tenant.sandbox === true) return [];
  if (typeof tenant.id !== 'string') return [];
  if (GUID.test(tenant.id)) return [];
  const hint = /\./.test(tenant.id) ? ` It looks like a domain name; cm2intune needs the ID so a run can't land in another tenant.` : '';
  return [
    finding(
      ctx,
      'error',
      'plan/tenant-id-not-guid',
      '/tenant/id',
      `Tenant id "${clipText(tenant.id)}" is not a GUID: use the Directory (tenant) ID from the Entra admin center > Overview, like "72f988bf-86f1-41af-91ab-2d7cd011db47".${hint}`,
    ),
  ];
}

function checkSite(plan: Json, ctx: CheckContext): Finding[] {
  const site = plan.site;
  if (!isObject(site)) return [];
  const out: Finding[] = [];
  const fileAt = (pointer: string, path: unknown, what: string, fix: string) => {
    if (typeof path !== 'string' || path === '') return;
    const { full, leavesFolder } = planPath(ctx.planDir, path);
    if (leavesFolder) {
      out.push(
        finding(
          ctx,
          'error',
          'plan/path-leaves-plan-folder',
          pointer,
          `${what} "${clipText(path)}" leads out of the plan's folder (to ${clipText(full)}): a relative path stays inside the folder the plan is in. Move the file there, or write its absolute path if it is meant to live elsewhere.`,
        ),
      );
      return;
    }
    if (!ctx.exists(full)) {
      out.push(
        finding(
          ctx,
          'error',
          'plan/file-not-found',
          pointer,
          `${what} "${clipText(path)}" does not exist (looked for ${clipText(full)}): ${fix}`,
        ),
      );
    }
  };
  if (site.source === 'snapshot') {
    fileAt('/site/path', site.path, 'Snapshot', 'write it with `cm2intune site export`, or fix the path (relative to the plan).');
  }
  if (site.source === 'sandbox' && typeof site.world === 'string') {
    // The sample site and the sandbox tenant are one world: a site of one world with another tenant
    // would rehearse a migration that cannot happen.
    const tenant = isObject(plan.tenant) ? plan.tenant : {};
    if (
      tenant.sandbox !== true ||
      typeof tenant.world !== 'string' ||
      resolve(ctx.planDir, tenant.world) !== resolve(ctx.planDir, site.world)
    ) {
      out.push(
        finding(
          ctx,
          'error',
          'plan/sandbox-world-mismatch',
          '/site/world',
          `The site is the sandbox world in "${clipText(String(site.world))}", so the tenant must be that world's tenant: set "tenant": { "sandbox": true, "world": "${clipText(String(site.world))}" }.`,
        ),
      );
    }
  }
  if (site.source === 'sql' && isObject(site.encryption)) {
    const enc = site.encryption;
    fileAt(
      '/site/encryption/caFile',
      enc.caFile,
      'CA file',
      'fix the path (relative to the plan) or pin the certificate with certificateThumbprint.',
    );
    if (enc.trustServerCertificate === true) {
      out.push(
        finding(
          ctx,
          'warning',
          'plan/trust-server-certificate',
          '/site/encryption/trustServerCertificate',
          'trustServerCertificate accepts any certificate, so anyone in the network path can read the site data: pin the certificate with certificateThumbprint or caFile instead.',
        ),
      );
    }
    if (enc.encrypt === false) {
      out.push(
        finding(
          ctx,
          'warning',
          'plan/encryption-off',
          '/site/encryption/encrypt',
          'Encryption is off: site data crosses the network in clear text. Remove "encrypt": false and pin the certificate instead.',
        ),
      );
    }
  }
  return out;
}

function checkSelection(plan: Json, ctx: CheckContext): Finding[] {
  const selection = plan.import;
  if (!isObject(selection)) return [];
  // Compared as the import compares them: without case and without the revision (sameUniqueId).
  const key = (id: string) => stripRevision(id).toLowerCase();
  const excluded = new Set(strings(selection.exclude).map(key));
  return [
    ...strings(selection.include).flatMap((id, index) =>
      excluded.has(key(id))
        ? [
            finding(
              ctx,
              'error',
              'plan/included-and-excluded',
              `/import/include/${index}`,
              `"${clipText(id)}" is both included and excluded: remove it from import.include or from import.exclude.`,
            ),
          ]
        : [],
    ),
    ...strings(selection.includeRetired).flatMap((id, index) =>
      excluded.has(key(id))
        ? [
            finding(
              ctx,
              'error',
              'plan/included-and-excluded',
              `/import/includeRetired/${index}`,
              `"${clipText(id)}" is in import.includeRetired and in import.exclude: remove it from one of them (exclude wins otherwise).`,
            ),
          ]
        : [],
    ),
  ];
}

function checkWaves(plan: Json, ctx: CheckContext): Finding[] {
  if (!Array.isArray(plan.waves)) return [];
  const out: Finding[] = [];
  const waveByName = new Map<string, number>();
  const waveByUser = new Map<string, string>();
  plan.waves.forEach((wave, w) => {
    if (!isObject(wave)) return;
    const name = typeof wave.name === 'string' ? wave.name : `#${w + 1}`;
    const key = name.trim().toLowerCase();
    if (typeof wave.name === 'string') {
      const first = waveByName.get(key);
      if (first !== undefined) {
        out.push(
          finding(
            ctx,
            'error',
            'plan/duplicate-wave-name',
            `/waves/${w}/name`,
            `Wave name "${clipText(name)}" is already used by wave ${first + 1}: wave names name ConfigMgr collections, so they must be unique. Rename one.`,
          ),
        );
      } else {
        waveByName.set(key, w);
      }
    }
    if (!Array.isArray(wave.users)) return;
    wave.users.forEach((user, u) => {
      if (typeof user !== 'string') return;
      const userKey = user.trim().toLowerCase();
      const earlier = waveByUser.get(userKey);
      if (earlier !== undefined) {
        const same = earlier === name;
        out.push(
          finding(
            ctx,
            'error',
            'plan/user-in-two-waves',
            `/waves/${w}/users/${u}`,
            same
              ? `User "${clipText(user)}" is listed twice in wave "${clipText(name)}": remove one entry.`
              : `User "${clipText(user)}" is in wave "${clipText(earlier)}" and in wave "${clipText(name)}": a user moves once. Remove it from one of the waves.`,
          ),
        );
      } else {
        waveByUser.set(userKey, name);
      }
    });
  });
  return out;
}

function checkSubscriptionCollection(plan: Json, ctx: CheckContext): Finding[] {
  if (plan.subscriptionCollection !== ALL_USERS) return [];
  return [
    finding(
      ctx,
      'warning',
      'plan/subscription-all-users',
      '/subscriptionCollection',
      'The Intune subscription uses All Users (SMS00002), which cannot take exclude rules: each wave\'s runbook first creates the collection "cm2intune Intune hybrid users" with all users and switches the subscription to it (docs/waves.md). To do that yourself instead, create such a collection, switch the subscription to it in ConfigMgr, and put its ID here.',
    ),
  ];
}
