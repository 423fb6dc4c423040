// One object's detail: the ConfigMgr settings beside the Intune payload, setting by setting, the
// deployments that become assignments, the admin-center link for the plan's cloud; and its drift
// as two normalised JSON texts a text diff compares. Pure: the tenant's body is read by the caller
// (tenant/read.ts readIntuneObject), only for a drifted object.
import type { Cloud } from '../plan/types';
import { cloudEndpoints } from '../tenant/clouds';
import { platformLabel } from '../translate/common';
import type { IntuneResource, SettingOutcome, TranslationKind, VerdictStatus } from '../translate';
import { KIND_LABELS, STATE_LABELS } from './selection';
import type { ItemState, PictureItem } from './types';

export interface DetailRow {
  /** The digest name ConfigMgr reads the setting by. */
  setting: string;
  /** ConfigMgr's value, when the translation knows it (the settings catalogue). */
  configMgrValue?: string;
  /** The Intune property it became; absent when dropped or not mapped one to one. */
  property?: string;
  /** The value sent to Intune (JSON). */
  intuneValue?: string;
  outcome: SettingOutcome['outcome'];
  reason?: string;
  /**
   * Kept or changed in a profile built from its payload (Wi-Fi, VPN, e-mail, certificates, a
   * custom profile): it lands in the Intune payload, but in no one Intune property of its own.
   */
  inPayload?: true;
  /** Its property links another Intune object (a certificate profile), bound when this one is created. */
  bound?: true;
}

export interface AdminCenterLink {
  url: string;
  /** What the link opens, in the admin's words. */
  label: string;
  /** True when it opens the object itself; false when it opens the list the object is in. */
  exact: boolean;
}

export interface ObjectDetail {
  key: string;
  name: string;
  kind: TranslationKind;
  kindLabel: string;
  platform: string;
  uniqueId: string;
  state: ItemState;
  stateLabel: string;
  verdict: VerdictStatus;
  /** Every reason for what happens to it (the picture's `reasons`). */
  reasons: string[];
  notes: string[];
  /** One row per digest setting (the outcomes invariant: each setting read has exactly one). */
  settings: DetailRow[];
  /** Settings left out that have no digest name of their own (e.g. an app's content). */
  droppedOther: { name: string; reason: string }[];
  /** What cm2intune creates (or created): the Graph request body, pretty JSON. */
  payload?: { resource: IntuneResource; apiVersion: string; odataType: string; json: string };
  counterpart?: { id: string; displayName: string };
  assignments: { collection: string; collectionId: string; intent?: string; baseline?: string }[];
  /** How the deployments become assignments: conflicts resolved, deployments not carried over. */
  assignmentNotes: string[];
  adminCenter: AdminCenterLink;
  /** Drifted in Intune: by name, type or marker (the picture), or by settings (`driftedSettings`). */
  drifted: boolean;
  /** The settings changed in Intune since import, by property name; known when the tenant's object was read. */
  driftedSettings?: string[];
}

// List blades of the Intune admin center. Microsoft documents no per-object deep link for these
// resources, so the link opens the list the object is in (its name is on the page); see docs/vscode.md.
const LIST_BLADES: Record<IntuneResource, { path: string; label: string }> = {
  deviceConfigurations: {
    path: '#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/configuration',
    label: 'Devices › Configuration profiles',
  },
  deviceCompliancePolicies: {
    path: '#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/compliance',
    label: 'Devices › Compliance policies',
  },
  mobileApps: { path: '#view/Microsoft_Intune_DeviceSettings/AppsMenu/~/allApps', label: 'Apps › All apps' },
};

/** Where the admin finds the object's Intune counterpart (or where it will be) in the plan's cloud. */
export function adminCenterLink(item: Pick<PictureItem, 'translation'>, cloud: Cloud | undefined): AdminCenterLink {
  const host = cloudEndpoints(cloud).adminCenter;
  const resource = item.translation.request?.resource;
  if (!resource) return { url: `${host}/`, label: 'Intune admin center', exact: false };
  const blade = LIST_BLADES[resource];
  return { url: `${host}/${blade.path}`, label: `Intune admin center › ${blade.label}`, exact: false };
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * `tenantBody`: the paired Intune object as the tenant has it now (read by the caller), for its
 * drift by settings; without it only the picture's drift (name, type, marker) is known.
 */
export function objectDetail(item: PictureItem, options: { cloud?: Cloud; tenantBody?: Record<string, unknown> }): ObjectDetail {
  const t = item.translation;
  const changedInIntune = item.counterpart && options.tenantBody ? driftedSettings(item, options.tenantBody) : undefined;
  const bySettings = !!changedInIntune?.length && item.state === 'imported';
  const body = t.request?.body ?? {};
  const mapping = new Map((t.verdict.mapping ?? []).map((m) => [m.setting, m]));
  const settings = (t.verdict.settings ?? []).map((o): DetailRow => {
    const m = mapping.get(o.setting);
    const row: DetailRow = { setting: o.setting, outcome: o.outcome };
    if (m) row.configMgrValue = m.value;
    if (o.outcome === 'changed') {
      row.configMgrValue = o.from;
      row.intuneValue = o.to;
      row.reason = o.reason;
    }
    if (o.outcome === 'dropped') row.reason = o.reason;
    else if (m?.property) {
      row.property = m.property;
      if (m.property in body) row.intuneValue = json(body[m.property]);
      else if (t.dependencies.some((d) => d.bind === m.property)) row.bound = true;
    } else row.inPayload = true;
    return row;
  });
  // A setting dropped with a digest name has a row; one dropped by its display name only (an app's
  // content) has none, so it is listed after the rows. Each row answers for one drop of its reason.
  const unanswered = settings.filter((r) => r.outcome === 'dropped').map((r) => r.reason);
  const droppedOther = t.verdict.droppedSettings.filter((d) => {
    const i = unanswered.indexOf(d.reason);
    if (i < 0) return true;
    unanswered.splice(i, 1);
    return false;
  });
  return {
    key: item.key,
    name: t.source.name,
    kind: t.source.kind,
    kindLabel: KIND_LABELS[t.source.kind],
    platform: platformLabel(t.source.platform),
    uniqueId: t.source.uniqueId,
    state: bySettings ? 'drifted' : item.state,
    stateLabel: STATE_LABELS[bySettings ? 'drifted' : item.state],
    verdict: t.verdict.status,
    reasons: changedInIntune?.length ? [...item.reasons, settingsDriftReason(changedInIntune)] : item.reasons,
    notes: t.verdict.notes,
    settings,
    droppedOther,
    ...(t.request
      ? {
          payload: {
            resource: t.request.resource,
            apiVersion: t.request.apiVersion,
            odataType: t.request.odataType,
            json: JSON.stringify(t.request.body, null, 2),
          },
        }
      : {}),
    ...(item.counterpart ? { counterpart: { id: item.counterpart.id, displayName: item.counterpart.displayName } } : {}),
    assignments: item.deployments.map((d) => ({
      collection: d.collectionName,
      collectionId: d.collectionId,
      ...(d.intent ? { intent: d.intent } : {}),
      ...(d.baseline ? { baseline: d.baseline } : {}),
    })),
    assignmentNotes: [...(item.assign?.notes ?? []), ...item.assignmentNotes],
    adminCenter: adminCenterLink(item, options.cloud),
    drifted: item.state === 'drifted' || !!changedInIntune?.length,
    ...(changedInIntune ? { driftedSettings: changedInIntune } : {}),
  };
}

/** An object's drift by settings in words, the same in the readiness evidence and the detail. */
export const settingsDriftReason = (names: string[]) =>
  `${names.length === 1 ? 'a setting was' : `${names.length} settings were`} changed in Intune since import: ${names.join(', ')}`;

// Set by the service, never by cm2intune: left out of both sides so the diff shows only what differs.
const SERVER_ONLY = new Set([
  '@odata.context',
  '@odata.etag',
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'version',
  'roleScopeTagIds',
  'supportsScopeTags',
  'assignments',
  'publishingState',
  'isAssigned',
  'uploadState',
  'dependentAppCount',
  'supersedingAppCount',
  'supersededAppCount',
  'deviceStatusOverview',
  'userStatusOverview',
]);
// Sent on create but not part of the object Graph returns (navigation properties, binds).
const CREATE_ONLY = /@odata\.bind$|^scheduledActionsForRule$/;

/** Keys in one order at every level, so two bodies line up in a text diff. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort((a, b) => (a === '@odata.type' ? -1 : b === '@odata.type' ? 1 : a.localeCompare(b)))
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/**
 * Secrets Graph takes but does not give back (it answers null). An assumption, written in
 * docs/import.md: Graph's Wi-Fi profiles pair `preSharedKey` with `preSharedKeyIsSet` ("indicates
 * that the pre-shared key is configured"), a flag needed only if the key is not read back. A
 * property of these names, or one the tenant's object pairs with a `<name>IsSet`, sent and
 * answered null is not drift.
 */
const WRITE_ONLY = new Set(['preSharedKey', 'password', 'sharedSecret']);
const writeOnly = (name: string, tenantBody: Record<string, unknown>) => WRITE_ONLY.has(name) || `${name}IsSet` in tenantBody;

/** The value as sent, still: every key sent (at any depth) has its value; keys Graph adds are not compared. */
function asSent(sent: unknown, now: unknown): boolean {
  if (sent === null || sent === undefined) return now === null || now === undefined;
  if (Array.isArray(sent)) return Array.isArray(now) && now.length === sent.length && sent.every((v, i) => asSent(v, now[i]));
  if (typeof sent === 'object') {
    if (!now || typeof now !== 'object' || Array.isArray(now)) return false;
    return Object.entries(sent as Record<string, unknown>).every(
      ([k, v]) => CREATE_ONLY.test(k) || asSent(v, (now as Record<string, unknown>)[k]),
    );
  }
  return sent === now;
}

/**
 * The settings cm2intune sent that the tenant's object no longer has as sent, by property name,
 * sorted: an imported object's drift by settings (readiness, the detail). Left out as the diff
 * leaves them out: what the service sets and what is sent on create only; and, unlike the diff,
 * what Graph returns that cm2intune never sent (at any depth): Graph answers every property of
 * the type, so its default and an admin's addition can't be told apart. `roleScopeTagIds` counts
 * only when the payload set it. The name and the type are the picture's to judge, not this.
 */
export function driftedSettings(item: PictureItem, tenantBody: Record<string, unknown>): string[] {
  const sent = item.translation.request?.body ?? {};
  return Object.keys(sent)
    .filter((k) => k !== 'displayName' && k !== '@odata.type' && !CREATE_ONLY.test(k))
    .filter((k) => !SERVER_ONLY.has(k) || (k === 'roleScopeTagIds' && k in sent))
    .filter((k) => !(sent[k] !== null && tenantBody[k] === null && writeOnly(k, tenantBody)))
    .filter((k) => !asSent(sent[k], tenantBody[k]))
    .sort();
}

export interface DriftTexts {
  /** The payload cm2intune creates from ConfigMgr, normalised. */
  expected: string;
  /** The tenant's object now, normalised the same way. */
  actual: string;
}

/**
 * The drift of an object as two JSON texts with the same key order and no server-only fields:
 * a text diff of the two shows exactly the properties that changed in Intune. A property the
 * tenant lists as null and cm2intune never sent is "not set" on both sides, so it is left out.
 */
export function driftTexts(item: PictureItem, tenantBody: Record<string, unknown>): DriftTexts {
  const sent = item.translation.request?.body ?? {};
  // Scope tags are the service's unless the payload set them.
  const serverOnly = (k: string) => SERVER_ONLY.has(k) && !(k === 'roleScopeTagIds' && k in sent);
  const expected: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sent)) if (!serverOnly(k) && !CREATE_ONLY.test(k)) expected[k] = v;
  const actual: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tenantBody)) {
    if (serverOnly(k) || CREATE_ONLY.test(k) || k.endsWith('@odata.navigationLink')) continue;
    if (v === null && !(k in expected)) continue;
    actual[k] = v;
  }
  return { expected: `${JSON.stringify(sorted(expected), null, 2)}\n`, actual: `${JSON.stringify(sorted(actual), null, 2)}\n` };
}

/**
 * The drift diff's tab title: short enough for a tab ("<name> · drift", a long name clipped). What
 * each side is stays in the documents' names, which the tab's tooltip shows; the properties that
 * differ are on the detail page (its drifted settings) and in the diff itself.
 */
export function driftTitle(name: string): string {
  const clipped = name.length > DRIFT_TITLE_NAME ? `${name.slice(0, DRIFT_TITLE_NAME - 1).trimEnd()}…` : name;
  return `${clipped} · drift`;
}
const DRIFT_TITLE_NAME = 40;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A name escaped, with a break opportunity between its camel-case words: "Connect<wbr>Automatically". */
const words = (s: string) => esc(s).replace(/([a-z0-9])(?=[A-Z])/g, '$1<wbr>');

/** Says why a cell has no value, instead of leaving it empty. */
const none = (text: string) => `<span class="none">${text}</span>`;

/**
 * A row's value, property and value-sent cells. Nothing known one to one (a payload-built profile's
 * setting, or one dropped) is said once across the three; a missing part of a known mapping is
 * said in its own cell.
 */
function middleCells(r: DetailRow): string {
  if (r.configMgrValue === undefined && r.property === undefined && r.intuneValue === undefined)
    return `<td colspan="3">${none(r.outcome === 'dropped' ? 'not sent to Intune' : 'in the payload below (no one-to-one Intune property)')}</td>`;
  const property = r.property
    ? `<code>${words(r.property)}</code>`
    : none(r.outcome === 'dropped' ? 'none: not sent' : r.inPayload ? 'in the payload (no one-to-one property)' : '—');
  return `<td>${r.configMgrValue === undefined ? none('not read one by one') : esc(r.configMgrValue)}</td><td>${property}</td><td>${r.intuneValue === undefined ? none(r.outcome === 'dropped' ? 'not sent' : r.bound ? 'a link to that profile, made when created' : 'in the payload') : esc(r.intuneValue)}</td>`;
}

// Marked by a symbol and a word, never by colour alone.
const OUTCOME_MARKS: Record<SettingOutcome['outcome'], { mark: string; label: string }> = {
  unchanged: { mark: '✓', label: 'kept' },
  changed: { mark: '✎', label: 'changed' },
  dropped: { mark: '✗', label: 'dropped' },
};

/**
 * The detail as an HTML fragment (no script, every text escaped). `showDrift` is the href of the
 * "Show drift" link, given by the face that can open a diff.
 */
export function renderObjectDetailHtml(detail: ObjectDetail, links: { showDrift?: string } = {}): string {
  const out: string[] = [];
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
  out.push(`<h1>${esc(detail.name)}</h1>`);
  out.push(
    `<p class="meta">${esc(detail.kindLabel)}${detail.platform ? ` · ${esc(detail.platform)}` : ''} · <span class="state state-${detail.state}">${esc(detail.stateLabel)}</span> · <code>${esc(detail.uniqueId)}</code></p>`,
  );
  const actions = [
    `<a class="action" href="${esc(detail.adminCenter.url)}">Open in the Intune admin center</a> <span class="hint">(${esc(detail.adminCenter.label)}${detail.adminCenter.exact ? '' : `: find "${esc(detail.counterpart?.displayName ?? detail.name)}" in the list`})</span>`,
  ];
  if (detail.drifted && links.showDrift) actions.push(`<a class="action" href="${esc(links.showDrift)}">Show drift</a>`);
  out.push(`<p class="actions">${actions.join(' ')}</p>`);
  if (detail.counterpart) out.push(`<p>In Intune: ${esc(detail.counterpart.displayName)} <code>${esc(detail.counterpart.id)}</code></p>`);
  if (detail.reasons.length) out.push('<h2>Why</h2>', list(detail.reasons));
  out.push('<h2>Settings</h2>');
  if (detail.settings.length) {
    const counts = (o: SettingOutcome['outcome']) => detail.settings.filter((r) => r.outcome === o).length;
    out.push(
      `<p>${detail.settings.length} settings: ${counts('unchanged')} kept, ${counts('changed')} changed, ${counts('dropped')} dropped.</p>`,
    );
    // In its own box: a table wider than a narrow editor group scrolls there instead of being cut.
    out.push(
      '<div class="table-scroll"><table class="settings"><thead><tr><th>ConfigMgr setting</th><th>ConfigMgr value</th><th>Intune property</th><th>Intune value</th><th>Outcome</th></tr></thead><tbody>',
    );
    const inIntune = new Set(detail.driftedSettings);
    for (const r of detail.settings) {
      const m = OUTCOME_MARKS[r.outcome];
      const drift = r.property && inIntune.has(r.property) ? '<br><strong class="drifted">≠ changed in Intune since import</strong>' : '';
      out.push(
        `<tr class="outcome-${r.outcome}"><td>${words(r.setting)}</td>${middleCells(r)}<td><span class="mark" aria-hidden="true">${m.mark}</span> ${m.label}${r.reason ? `: ${esc(r.reason)}` : ''}${drift}</td></tr>`,
      );
    }
    out.push('</tbody></table></div>');
  } else out.push('<p>The translation reads no settings one by one for this kind; the Intune payload below is all it sends.</p>');
  if (detail.droppedOther.length)
    out.push('<h3>Also left out</h3>', list(detail.droppedOther.map((d) => `✗ dropped: ${d.name}: ${d.reason}`)));
  if (detail.notes.length) out.push('<h2>Notes</h2>', list(detail.notes));
  out.push('<h2>Deployments → assignments</h2>');
  out.push(
    detail.assignments.length
      ? list(
          detail.assignments.map(
            (a) =>
              `${a.collection} (${a.collectionId})${a.intent ? ` — ${a.intent}` : ''}${a.baseline ? ` — through baseline "${a.baseline}"` : ''}`,
          ),
        )
      : '<p>Not deployed in ConfigMgr: no assignment.</p>',
  );
  if (detail.assignmentNotes.length) out.push(list(detail.assignmentNotes));
  out.push('<h2>Intune payload</h2>');
  out.push(
    detail.payload
      ? `<p><code>POST /${esc(detail.payload.apiVersion)}/…/${esc(detail.payload.resource)}</code></p><pre><code>${esc(detail.payload.json)}</code></pre>`
      : '<p>Nothing is created in Intune for this object.</p>',
  );
  return out.join('\n');
}
