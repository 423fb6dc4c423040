// `cm2intune status`: the migration picture as a table — each ConfigMgr object, its state and
// its Intune counterpart; the collection-to-group mapping; the findings.
import { readImportPicture } from '../../core/phases/import';
import { statusToText, statusView } from '../../core/phases/render';
import { UserError } from '../../core/errors';
import { parseOptions, type Command } from '../cli';
import { openCliSession } from '../session';

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
    if (!values.plan) throw new UserError(`--plan is required.\n${usage}`);
    const session = await openCliSession(values.plan, io, 'status', true);
    try {
      const { picture } = await readImportPicture(session);
      if (values.json) {
        io.out(
          JSON.stringify(
            {
              tenant: session.tenantId,
              items: picture.items.map((i) => ({
                key: i.key,
                uniqueId: i.translation.source.uniqueId,
                kind: i.translation.source.kind,
                platform: i.translation.source.platform,
                name: i.translation.source.name,
                selected: i.selected,
                state: i.state,
                verdict: i.translation.verdict,
                stateReasons: i.stateReasons,
                intune: i.counterpart ?? null,
                deployments: i.deployments.map((d) => d.collectionId),
              })),
              groups: picture.groups,
              findings: picture.findings,
            },
            null,
            2,
          ),
        );
        return 0;
      }
      io.out(statusToText(statusView(picture)).trimEnd());
      return 0;
    } finally {
      await session.close();
    }
  },
};
