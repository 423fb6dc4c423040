// What phase 1 shows a person, built once as data and rendered as text (the CLI) or Markdown (the
// editor's preview, the report file both faces write): the preview of the steps, the report of a
// run, the status table, and the state and kind labels.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
// Labels from their own light module, not the analysis barrel: the faces load this at activation.
import { deletedFromIntuneNote, KIND_LABELS, nameWithPlatform, STATE_LABELS } from '../analysis/selection';
import { stateCounts } from '../analysis/summary';
import type { ItemState, MigrationPicture, PictureItem } from '../analysis/types';
import { clipText, type Severity } from '../findings';
import { platformLabel } from '../translate/common';
import type { StepOutcome, StepStatus } from './execute';
import type { ImportRead } from './import';
import type { Step, StepAction } from './steps';
import type { PacerWait } from '../tenant/pacer';

export { KIND_LABELS, STATE_LABELS };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface StepCounts {
  /** Requests in all (each step is one). */
  requests: number;
  groups: number;
  objects: number;
  assignments: number;
  /** Membership requests (up to 20 members each) and the members they add. */
  memberRequests: number;
  members: number;
}

const membersOf = (step: Step) => (step.request.body as { 'members@odata.bind'?: string[] })['members@odata.bind']?.length ?? 0;

export function countSteps(steps: Step[]): StepCounts {
  const by = (action: StepAction) => steps.filter((s) => s.action === action);
  return {
    requests: steps.length,
    groups: by('createGroup').length,
    objects: by('create').length,
    assignments: by('assign').length,
    memberRequests: by('addMembers').length,
    members: by('addMembers').reduce((n, s) => n + membersOf(s), 0),
  };
}

/** `3 objects, 5 assignments and 1 group`: what the steps create, for a question or a message. */
export function describeCounts(n: StepCounts): string {
  const parts = [plural(n.objects, 'object'), plural(n.assignments, 'assignment'), plural(n.groups, 'group')];
  if (n.members) parts.push(`${plural(n.members, 'group member')}`);
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** One line of the preview: a step, or a group's member additions together. */
export interface PreviewLine {
  action: StepAction;
  title: string;
  /** Requests this line stands for (more than 1 only for member additions). */
  requests: number;
}

/** An object with what keeps it from being imported in full. */
export interface ObjectNote {
  name: string;
  kind: string;
  /** '' for objects without a platform (a web app). */
  platform: string;
  state: string;
  reasons: string[];
}

export interface ImportPreview {
  plan: string;
  tenant: string;
  counts: StepCounts;
  lines: PreviewLine[];
  /** The picture in numbers, of the objects the site holds and the plan selects. */
  objects: { all: number; selected: number; imported: number; importable: number; partial: number; blocked: number; drifted: number };
  /** Objects to create without some of their settings. */
  partial: ObjectNote[];
  /** Objects to create with some settings at another value than ConfigMgr's: `X: old -> new (why)`. */
  changed: ObjectNote[];
  /** Objects the plan selects that can't be imported. */
  blocked: ObjectNote[];
  findings: { severity: Severity; message: string }[];
  /** Steps an earlier run left open, settled against the tenant now. */
  reconciled: { settled: number; found: number };
  /** Why there is nothing to import; empty when there are steps. */
  nothingReasons: string[];
}

/** `10,000`: counts an admin reads at a glance. */
const count = (n: number) => n.toLocaleString('en-US');

/** `Add 10,000 members to "Sales Team"`: a group's member additions as one title. */
const membersTitle = (step: Step, members: number) =>
  `Add ${plural(members, 'member').replace(/^\d+/, count(members))}${/ to .*$/.exec(step.title)?.[0] ?? ''}`;

/**
 * A group's member additions (20 members a request) as one line where the group's first one
 * stands: `Add 10,000 members to "Sales Team"`, with the requests it takes.
 */
export function previewLines(steps: Step[]): PreviewLine[] {
  const lines: PreviewLine[] = [];
  const groups = new Map<string, PreviewLine & { members: number }>();
  for (const s of steps) {
    if (s.action !== 'addMembers') {
      lines.push({ action: s.action, title: s.title, requests: 1 });
      continue;
    }
    const group = groups.get(s.key);
    const members = membersOf(s) + (group?.members ?? 0);
    const title = membersTitle(s, members);
    if (group) Object.assign(group, { members, title, requests: group.requests + 1 });
    else {
      const line = { action: s.action, title, requests: 1, members };
      groups.set(s.key, line);
      lines.push(line);
    }
  }
  return lines.map(({ action, title, requests }) => ({ action, title, requests }));
}

/** One row of a run's report: a step, or a group's member additions that ended alike. */
export interface OutcomeRow {
  title: string;
  status: StepStatus;
  detail: string;
  /** The steps (requests) this row stands for. */
  steps: number;
}

/**
 * A run's outcomes as its report lists them: a group's member additions that ended the same way
 * (done, reconciled) as one row where the first stands, as the preview grouped them; each one
 * that failed or was skipped keeps its own row and message.
 */
export function outcomeRows(outcomes: StepOutcome[]): OutcomeRow[] {
  const rows: OutcomeRow[] = [];
  const groups = new Map<string, OutcomeRow & { members: number }>();
  for (const o of outcomes) {
    const detail = o.intuneId ?? o.message ?? '';
    const alike = o.step.action === 'addMembers' && (o.status === 'done' || o.status === 'reconciled');
    if (!alike) {
      rows.push({ title: o.step.title, status: o.status, detail, steps: 1 });
      continue;
    }
    const id = `${o.step.key}\u0000${o.status}`;
    const group = groups.get(id);
    const members = membersOf(o.step) + (group?.members ?? 0);
    if (group) Object.assign(group, { members, steps: group.steps + 1 });
    else {
      const row = { title: '', status: o.status, detail, steps: 1, members };
      groups.set(id, row);
      rows.push(row);
    }
    const row = groups.get(id)!;
    row.title = row.steps > 1 ? `${membersTitle(o.step, members)} (${count(row.steps)} requests)` : o.step.title;
  }
  return rows.map(({ title, status, detail, steps }) => ({ title, status, detail, steps }));
}

const note = (item: PictureItem, reasons: string[]): ObjectNote => ({
  name: item.translation.source.name,
  kind: KIND_LABELS[item.translation.source.kind],
  platform: platformLabel(item.translation.source.platform),
  state: STATE_LABELS[item.state],
  reasons,
});

/** Where a selected object stands in a proposal, and why: the truth behind "nothing to import". */
export interface ProposalNote {
  key: string;
  /** The ConfigMgr name, with the platform when it has one. */
  name: string;
  /**
   * inIntune: no step, it is in Intune with the assignments its deployments ask (drift, if any, in reasons);
   * cannotImport: no step, it can't be imported (reasons say why);
   * recreate: a step creates it again: cm2intune had created it, the tenant no longer has it.
   */
  standing: 'inIntune' | 'cannotImport' | 'recreate';
  reasons: string[];
}

/** Per selected object that gets no step (or gets one to be created again), why. */
export function proposalNotes(read: ImportRead, steps: Step[]): ProposalNote[] {
  const proposed = new Set(steps.filter((s) => s.action === 'create' || s.action === 'assign').map((s) => s.key));
  const notes: ProposalNote[] = [];
  for (const item of read.picture.items) {
    if (!item.selected) continue;
    const t = item.translation;
    const base = { key: item.key, name: label({ name: t.source.name, platform: platformLabel(t.source.platform) }) };
    if (proposed.has(item.key)) {
      if (item.deletedFromIntune) notes.push({ ...base, standing: 'recreate', reasons: [deletedFromIntuneNote(item.deletedFromIntune)] });
    } else if (item.counterpart) {
      notes.push({ ...base, standing: 'inIntune', reasons: [...item.stateReasons, ...item.assignmentNotes] });
    } else {
      const why = [...item.stateReasons, ...t.verdict.reasons];
      notes.push({ ...base, standing: 'cannotImport', reasons: why.length ? why : ['Intune has no counterpart for it'] });
    }
  }
  return notes;
}

/** Why a run proposes no step: what is in Intune, and what is not and why. */
export function nothingToImportReasons(notes: ProposalNote[]): string[] {
  if (notes.length === 0) return ['the plan selects no object of the site (import.kinds, include and exclude)'];
  const there = notes.filter((n) => n.standing === 'inIntune').length;
  const cannot = notes.filter((n) => n.standing === 'cannotImport');
  const parts = [
    there === 0
      ? 'no selected object is in Intune'
      : there === 1
        ? '1 selected object is in Intune with its assignments'
        : `${there} selected objects are in Intune with their assignments`,
  ];
  if (cannot.length) {
    const named = cannot
      .slice(0, 3)
      .map((n) => `"${n.name}" (${n.reasons[0]})`)
      .join(', ');
    parts.push(`${cannot.length} can't be imported: ${named}${cannot.length > 3 ? `, and ${cannot.length - 3} more (see above)` : ''}`);
  }
  return parts;
}

export function importPreview(
  read: ImportRead,
  steps: Step[],
  names: { plan: string; tenant: string; nothingReasons?: string[] },
): ImportPreview {
  const { picture } = read;
  const selected = picture.items.filter((i) => i.selected);
  const count = (state: ItemState) => selected.filter((i) => i.state === state).length;
  const creating = new Set(steps.filter((s) => s.action === 'create').map((s) => s.key));
  return {
    plan: names.plan,
    tenant: names.tenant,
    counts: countSteps(steps),
    lines: previewLines(steps),
    objects: {
      all: picture.items.length,
      selected: selected.length,
      imported: count('imported'),
      importable: count('importable'),
      partial: count('partial'),
      blocked: count('blocked'),
      // In Intune, but changed there: counted, so the numbers add up to the selected objects.
      drifted: count('drifted'),
    },
    // Imported in part: created without some of their settings.
    partial: picture.items
      .filter((i) => creating.has(i.key) && i.translation.verdict.droppedSettings.length)
      .map((i) =>
        note(
          i,
          i.translation.verdict.droppedSettings.map((d) => `${d.name}: ${d.reason}`),
        ),
      ),
    changed: picture.items
      .filter((i) => creating.has(i.key) && i.translation.verdict.settings?.some((o) => o.outcome === 'changed'))
      .map((i) =>
        note(
          i,
          (i.translation.verdict.settings ?? []).flatMap((o) =>
            o.outcome === 'changed' ? [`${o.setting}: ${o.from} -> ${o.to} (${o.reason})`] : [],
          ),
        ),
      ),
    blocked: selected.filter((i) => i.state === 'blocked').map((i) => note(i, i.reasons)),
    findings: picture.findings.map((f) => ({ severity: f.severity, message: f.message })),
    reconciled: { settled: read.reconciled.length, found: read.reconciled.filter((r) => r.intuneId).length },
    nothingReasons: steps.length ? [] : (names.nothingReasons ?? nothingToImportReasons(proposalNotes(read, steps))),
  };
}

/** ConfigMgr names often carry the platform already: `Contoso Root CA (iOS)`. */
const label = (o: Pick<ObjectNote, 'name' | 'platform'>) => nameWithPlatform(o.name, o.platform);
const lineText = (l: PreviewLine) => (l.action === 'addMembers' ? `${l.title} — ${plural(l.requests, 'request')}` : l.title);

/**
 * What the preview leaves out or takes in part, in one sentence (the confirm question's detail,
 * the preview's top); '' when every selected object is imported in full.
 */
export function previewLeftOut(p: Pick<ImportPreview, 'blocked' | 'partial'>, where = 'the preview lists them and why'): string {
  const parts: string[] = [];
  if (p.blocked.length)
    parts.push(`${plural(p.blocked.length, 'selected object is', 'selected objects are')} blocked and will not be imported`);
  if (p.partial.length) parts.push(`${plural(p.partial.length, 'object is', 'objects are')} imported in part (settings left out)`);
  return parts.length ? `${parts.join('; ')}: ${where}.` : '';
}

/** `Nothing to import: reason; reason.` */
export const nothingToImportMessage = (p: ImportPreview) => `Nothing to import: ${p.nothingReasons.join('; ')}.`;

/** The counts line of the preview: requests by kind. */
function countsText(n: StepCounts): string {
  return `${plural(n.requests, 'request')}: ${plural(n.groups, 'group')} to create, ${plural(n.memberRequests, 'membership update')} of up to 20 members, ${plural(n.objects, 'object')} to create, ${plural(n.assignments, 'assignment')}`;
}

export function previewToText(p: ImportPreview): string {
  const o = p.objects;
  const lines = [
    `${o.all} objects in the site, ${o.selected} selected by the plan: ${o.imported} already in Intune, ${o.importable} importable, ${o.partial} partly importable, ${o.blocked} blocked${o.drifted ? `, ${o.drifted} drifted in Intune (cm2intune status says how)` : ''}.`,
  ];
  for (const f of p.findings) lines.push(`  ${f.severity}: ${f.message}`);
  if (p.reconciled.settled)
    lines.push(`  Settled ${p.reconciled.settled} step(s) left open by an earlier run (found in Intune: ${p.reconciled.found}).`);
  if (p.lines.length === 0) {
    lines.push(nothingToImportMessage(p));
  } else {
    lines.push('', `Preview for ${p.tenant}: ${countsText(p.counts)}:`);
    if (previewLeftOut(p)) lines.push(`  ${previewLeftOut(p, 'see below for why')}`);
    p.lines.forEach((l, i) => lines.push(`  ${String(i + 1).padStart(3)}. ${lineText(l)}`));
  }
  if (p.partial.length) {
    lines.push('', 'Settings left out:');
    for (const o of p.partial) lines.push(`  ${label(o)}:`, ...o.reasons.map((r) => `    - ${r}`));
  }
  if (p.changed.length) {
    lines.push('', 'Settings changed on the way:');
    for (const o of p.changed) lines.push(`  ${label(o)}:`, ...o.reasons.map((r) => `    - ${r}`));
  }
  if (p.blocked.length) {
    lines.push('', 'Selected but blocked (not imported):');
    for (const o of p.blocked) lines.push(`  ${label(o)}: ${o.reasons.join('; ') || 'blocked'}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Markdown special characters in names and messages, escaped so a name shows as written. Only
 * what changes inline rendering: the preview is also read as plain text in an editor tab.
 */
export const mdText = (s: string) => s.replace(/[\\`*_[\]<>|]/g, '\\$&').replace(/^([#+-]|\d+\.)(\s)/, '\\$1$2');
const mdLabel = (o: ObjectNote) => `**${mdText(o.name)}**${label(o) !== o.name ? ` (${mdText(o.platform)})` : ''}`;

export function previewToMarkdown(p: ImportPreview): string {
  const lines = [`# Import preview: ${mdText(p.plan)}`, ''];
  if (p.lines.length === 0) {
    lines.push(`Tenant: ${mdText(p.tenant)}.`, '', `**Nothing to import:** ${mdText(p.nothingReasons.join('; '))}.`);
  } else {
    lines.push(
      `Tenant: ${mdText(p.tenant)}. Nothing has been written yet: these ${plural(p.counts.requests, 'request')} run in this order after you confirm.`,
      `To create: ${describeCounts(p.counts)} (${plural(p.counts.memberRequests, 'membership update')} of up to 20 members).`,
    );
    const leftOut = previewLeftOut(p, 'the sections below list them and why');
    if (leftOut) lines.push('', `**Not everything is imported:** ${mdText(leftOut)}`);
  }
  // What is not imported comes before the steps: a long list of steps buried it.
  if (p.blocked.length) {
    lines.push('', '## Selected but blocked', '');
    for (const o of p.blocked) lines.push(`- ${mdLabel(o)}: ${mdText(o.reasons.join('; ') || 'blocked')}`);
  }
  if (p.partial.length) {
    lines.push('', '## Settings left out', '');
    for (const o of p.partial) lines.push(`- ${mdLabel(o)}`, ...o.reasons.map((r) => `  - ${mdText(r)}`));
  }
  if (p.changed.length) {
    lines.push('', '## Settings changed on the way', '');
    for (const o of p.changed) lines.push(`- ${mdLabel(o)}`, ...o.reasons.map((r) => `  - ${mdText(r)}`));
  }
  if (p.lines.length) lines.push('', '## Steps', '', ...p.lines.map((l, i) => `${i + 1}. ${mdText(lineText(l))}`));
  const findings = p.findings.filter((f) => f.severity !== 'info');
  if (findings.length) lines.push('', '## To know', '', ...findings.map((f) => `- ${f.severity}: ${mdText(f.message)}`));
  return lines.join('\n') + '\n';
}

/**
 * The preview document once the run is over: what happened, the report's name, then the report
 * itself; it no longer says "nothing has been written yet".
 */
export function previewAfterRun(r: ImportReport, reportFile: string): string {
  const t = r.totals;
  const header = [
    `# Import done: ${mdText(r.plan)}`,
    '',
    `**Done at ${r.at} — ${t.done} done, ${t.failed} failed, ${t.skipped} skipped**; the report: ${mdText(reportFile)}`,
  ];
  const body = reportToMarkdown(r).split('\n').slice(1);
  return [...header, ...body].join('\n');
}

export interface ImportReport {
  plan: string;
  tenant: string;
  /** ISO time the run ended. */
  at: string;
  seconds: number;
  /** The report's rows (a group's member additions grouped, `outcomeRows`). */
  outcomes: OutcomeRow[];
  /** Per step (request), as the run counted them. */
  totals: { steps: number; done: number; failed: number; skipped: number };
  /** Objects not imported, or imported in part, and why. */
  notImported: ObjectNote[];
}

export function importReport(
  read: ImportRead,
  outcomes: StepOutcome[],
  run: { plan: string; tenant: string; ms: number; at?: Date },
): ImportReport {
  const notImported: ObjectNote[] = [];
  // The item's state and its reasons (each once) come from the picture: a blocked object reads blocked.
  for (const item of read.picture.items) {
    if (item.selected && item.reasons.length === 0 && (item.state === 'importable' || item.state === 'imported')) continue;
    notImported.push({
      ...note(item, item.selected || item.stateReasons.length ? item.reasons : ['not selected by the plan']),
      state: item.state,
    });
  }
  return {
    plan: run.plan,
    tenant: run.tenant,
    at: (run.at ?? new Date()).toISOString(),
    seconds: run.ms / 1000,
    outcomes: outcomeRows(outcomes),
    totals: {
      steps: outcomes.length,
      done: outcomes.filter((o) => o.status === 'done' || o.status === 'reconciled').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
    },
    notImported,
  };
}

/** One line: `Import into <tenant>: 12 of 14 step(s) done, 1 failed, 1 skipped.` */
export function reportSummary(r: ImportReport): string {
  const t = r.totals;
  return `Import into ${r.tenant}: ${t.done} of ${t.steps} step(s) done${t.failed ? `, ${t.failed} failed` : ''}${t.skipped ? `, ${t.skipped} skipped` : ''}.`;
}

/** How messages name a session's tenant: `the sandbox tenant`, `tenant <id> (<cloud>)`. */
export const tenantName = (session: { tenantLabel: string; tenantId: string }) =>
  session.tenantLabel === 'sandbox' ? 'the sandbox tenant' : `tenant ${session.tenantId} (${session.tenantLabel})`;

const cell = (s: string) => mdText(s).replace(/\r?\n/g, ' ');

export function reportToMarkdown(r: ImportReport): string {
  const lines = [
    `# cm2intune import report — ${mdText(r.plan)}`,
    '',
    `${r.at}, ${r.seconds.toFixed(1)} s, ${mdText(r.tenant)}: ${r.totals.done} done, ${r.totals.failed} failed, ${r.totals.skipped} skipped.`,
    '',
    '## Steps',
    '',
    '| # | Step | Outcome | Intune id / detail |',
    '|---|---|---|---|',
  ];
  r.outcomes.forEach((o, i) => lines.push(`| ${i + 1} | ${cell(o.title)} | ${o.status} | ${cell(o.detail)} |`));
  lines.push('', '## Objects not imported or imported in part', '');
  for (const o of r.notImported) lines.push(`- ${mdLabel(o)} (${o.state}): ${mdText(o.reasons.join('; '))}`);
  return lines.join('\n') + '\n';
}

export function reportToText(r: ImportReport): string {
  const lines = [`${reportSummary(r)} ${r.seconds.toFixed(1)} s.`, ''];
  r.outcomes.forEach((o, i) =>
    lines.push(`  ${String(i + 1).padStart(3)}. ${o.status.padEnd(10)} ${o.title}${o.detail ? ` — ${o.detail}` : ''}`),
  );
  if (r.notImported.length) {
    lines.push('', 'Not imported or imported in part:');
    for (const o of r.notImported) lines.push(`  ${label(o)} (${o.state}): ${o.reasons.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

/** The runs that change the tenant, each with its report beside the plan. */
export type ReportedRun = 'import' | 'prepare';

/** `<plan>.<run>-report.md`, beside the plan: `contoso.migration.import-report.md`. */
export const runReportPath = (planFile: string, run: ReportedRun) => `${planFile.replace(/\.json$/i, '')}.${run}-report.md`;

/** `<plan>.import-report.md`, beside the plan. */
export const reportPath = (planFile: string) => runReportPath(planFile, 'import');

/** The newest report any run wrote beside the plan (by time written); undefined when there is none. */
export function newestReport(planFile: string): string | undefined {
  const stem = basename(planFile).replace(/\.json$/i, '');
  let newest: { file: string; at: number } | undefined;
  let names: string[];
  try {
    names = readdirSync(dirname(planFile));
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!name.startsWith(`${stem}.`) || !/^[a-z]+-report\.md$/.test(name.slice(stem.length + 1))) continue;
    const file = join(dirname(planFile), name);
    const at = statSync(file).mtimeMs;
    if (!newest || at > newest.at) newest = { file, at };
  }
  return newest?.file;
}

/** Writes the report beside the plan (the CLI and the editor write the same file); returns its path. */
export function writeImportReport(planFile: string, report: ImportReport): string {
  const file = reportPath(planFile);
  writeFileSync(file, reportToMarkdown(report));
  return file;
}

const SERVICE_NAMES: Record<PacerWait['service'], string> = {
  intune: 'Intune',
  intuneDevices: 'Intune (devices)',
  directory: 'Entra ID',
};

/**
 * What a run waits for, as progress says it: `waiting for Intune's write limit, about 14 s`, or
 * `Entra ID asked to wait (429), 30 s`.
 */
export function waitText(w: PacerWait): string {
  const seconds = Math.max(1, Math.round(w.ms / 1000));
  const service = SERVICE_NAMES[w.service];
  if (w.status) return `${service} asked to wait (${w.status}), ${seconds} s`;
  return `waiting for ${service}'s ${w.kind === 'write' ? 'write' : 'request'} limit, about ${seconds} s`;
}

export interface StatusRow {
  kind: string;
  platform: string;
  name: string;
  state: ItemState;
  selected: boolean;
  /** The Intune counterpart (`name (id)`), else why not, else ''. */
  intune: string;
}

export interface StatusView {
  rows: StatusRow[];
  groups: { collectionId: string; collection: string; mapping: string; detail: string }[];
  counts: Record<ItemState, number> & { all: number };
  findings: { severity: Severity; message: string }[];
}

export function statusView(picture: MigrationPicture): StatusView {
  const { partlyImported: _p, selected: _s, ...counts } = stateCounts(picture.items);
  const rows = picture.items.map((i): StatusRow => {
    const v = i.translation.verdict;
    const why = [...i.stateReasons, ...v.reasons][0] ?? (v.droppedSettings.length ? `${v.droppedSettings.length} setting(s) left out` : '');
    return {
      kind: KIND_LABELS[i.translation.source.kind],
      platform: platformLabel(i.translation.source.platform),
      name: i.translation.source.name,
      state: i.state,
      selected: i.selected,
      intune: i.counterpart ? `${i.counterpart.displayName} (${i.counterpart.id})` : why,
    };
  });
  return {
    rows,
    groups: picture.groups.map((g) => ({
      collectionId: g.collectionId,
      collection: g.collectionName,
      // A group to create that nothing is assigned to is never created (the tree says the same).
      mapping: g.status === 'create' && g.assignedBy === 0 ? 'no group needed' : g.status,
      detail:
        g.groups.length && g.status === 'mapped'
          ? g.groups.map((x) => `${x.displayName} (${x.via})`).join(', ') +
            (g.membership
              ? `; members differ: +${g.membership.difference.added.length} / −${g.membership.difference.removed.length} users`
              : '')
          : g.reason,
    })),
    counts,
    findings: picture.findings.map((f) => ({ severity: f.severity, message: f.message })),
  };
}

const stateWords = (r: StatusRow) => STATE_LABELS[r.state] + (r.selected ? '' : ' (not selected)');
/** The widest a ConfigMgr name is shown in the status table (Graph takes longer ones: issue 11's Fabrikam site has one). */
const NAME_WIDTH = 80;

function countsLine(v: StatusView): string {
  const c = v.counts;
  return `${c.all} objects: ${c.imported} imported, ${c.importable} importable, ${c.partial} partly importable, ${c.drifted} drifted, ${c.blocked} blocked, ${c.notImported} not imported.`;
}

export function statusToText(v: StatusView): string {
  const lines = table([
    ['kind', 'platform', 'ConfigMgr object', 'state', 'Intune, or why not'],
    // A name of hundreds of characters would push every row's state off the screen: clipped here, whole in --json.
    ...v.rows.map((r) => [r.kind, r.platform || '—', clipText(r.name, NAME_WIDTH), stateWords(r), clipText(r.intune, 90)]),
  ]);
  lines.push(
    '',
    ...table([
      ['collection', 'name', 'mapping', 'Entra ID groups / reason'],
      ...v.groups.map((g) => [g.collectionId, g.collection, g.mapping, g.detail]),
    ]),
  );
  lines.push('', countsLine(v), ...v.findings.map((f) => `${f.severity}: ${f.message}`));
  return lines.join('\n') + '\n';
}

export function statusToMarkdown(v: StatusView): string {
  const lines = ['| Kind | Platform | ConfigMgr object | State | Intune, or why not |', '|---|---|---|---|---|'];
  for (const r of v.rows)
    lines.push(`| ${cell(r.kind)} | ${cell(r.platform || '—')} | ${cell(r.name)} | ${stateWords(r)} | ${cell(r.intune)} |`);
  lines.push('', '| Collection | Name | Mapping | Entra ID groups / reason |', '|---|---|---|---|');
  for (const g of v.groups) lines.push(`| ${cell(g.collectionId)} | ${cell(g.collection)} | ${g.mapping} | ${cell(g.detail)} |`);
  lines.push('', countsLine(v), ...v.findings.map((f) => `- ${f.severity}: ${mdText(f.message)}`));
  return lines.join('\n') + '\n';
}

/** Aligned columns; numbers right-aligned (and their header), words left-aligned. Widths count characters, not UTF-16 units. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const numeric = widths.map((_, i) => i > 0 && rows.slice(1).every((r) => /^\d+$/.test(r[i])));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i] - [...cell].length);
    return numeric[i] ? fill + cell : cell + fill;
  };
  return rows.map((r) => r.map(pad).join('  ').trimEnd());
}
