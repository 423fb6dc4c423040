// `cm2intune status`: the migration picture as a table — each ConfigMgr object, its state and
// its Intune counterpart; the collection-to-group mapping; the findings.
import { KIND_LABELS } from '../../core/analysis';
import { platformLabel } from '../../core/translate/common';
import { readImportPicture } from '../../core/phases/import';
import { CliError, parseOptions, type Command } from '../cli';
import { asCliError, openCliSession } from '../session';
import { table } from '../terminal';

const STATE_WORDS: Record<string, string> = {
  notImported: 'not imported', importable: 'importable', partial: 'partly importable',
  imported: 'imported', drifted: 'drifted', blocked: 'blocked',
};
const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const usage = 'Usage: cm2intune status --plan <plan.migration.json> [--json]';

export const status: Command = {
  name: 'status',
  summary: 'Show every ConfigMgr object with its state and Intune counterpart',
  help: `${usage}

Reads the site and the tenant (read-only) and prints the migration picture.

Options:
  --plan <file>   the migration plan
  --json          print the picture as JSON`,
  async run(argv, io) {
    const { values } = parseOptions(argv, { plan: { type: 'string' }, json: { type: 'boolean' } }, usage);
    if (!values.plan) throw new CliError(`--plan is required.\n${usage}`);
    const session = await openCliSession(values.plan, io, 'status', true);
    try {
      const { picture } = await readImportPicture(session);
      if (values.json) {
        io.out(JSON.stringify({
          tenant: session.tenantId,
          items: picture.items.map((i) => ({
            key: i.key, uniqueId: i.translation.source.uniqueId, kind: i.translation.source.kind, platform: i.translation.source.platform,
            name: i.translation.source.name, selected: i.selected, state: i.state, verdict: i.translation.verdict,
            stateReasons: i.stateReasons, intune: i.counterpart ?? null,
            deployments: i.deployments.map((d) => d.collectionId),
          })),
          groups: picture.groups,
          findings: picture.findings,
        }, null, 2));
        return 0;
      }
      const rows = [['kind', 'platform', 'ConfigMgr object', 'state', 'Intune, or why not']];
      for (const i of picture.items) {
        const v = i.translation.verdict;
        const why = [...i.stateReasons, ...v.reasons][0] ?? (v.droppedSettings.length ? `${v.droppedSettings.length} setting(s) left out` : '');
        rows.push([
          KIND_LABELS[i.translation.source.kind],
          platformLabel(i.translation.source.platform) || '—',
          i.translation.source.name,
          (STATE_WORDS[i.state] ?? i.state) + (i.selected ? '' : ' (not selected)'),
          i.counterpart ? `${i.counterpart.displayName} (${i.counterpart.id})` : shorten(why, 90),
        ]);
      }
      for (const line of table(rows)) io.out(line);
      io.out('');
      const groupRows = [['collection', 'name', 'mapping', 'Entra ID groups / reason']];
      for (const g of picture.groups) groupRows.push([g.collectionId, g.collectionName, g.status, g.groups.length && g.status === 'mapped' ? g.groups.map((x) => `${x.displayName} (${x.via})`).join(', ') : g.reason]);
      for (const line of table(groupRows)) io.out(line);
      const count = (s: string) => picture.items.filter((i) => i.state === s).length;
      io.out('');
      io.out(`${picture.items.length} objects: ${count('imported')} imported, ${count('importable')} importable, ${count('partial')} partly importable, ${count('drifted')} drifted, ${count('blocked')} blocked, ${count('notImported')} not imported.`);
      for (const f of picture.findings) io.out(`${f.severity}: ${f.message}`);
      return 0;
    } catch (error) {
      throw asCliError(error);
    } finally {
      await session.close();
    }
  },
};
