// Parts of the extension that need no editor: the dashboard's data channel and which findings a
// plan shows when its editor opens, changes and closes. (The rest runs in test/e2e.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardModel } from '../../src/core/analysis/summary';
import type { Finding } from '../../src/core/findings';
import { DashboardFeed } from '../../src/extension/dashboardFeed';
import { PlanFindings } from '../../src/extension/planFindings';

function fakeWebview() {
  const listeners = new Set<(m: unknown) => void>();
  const posted: unknown[] = [];
  return {
    posted,
    listeners,
    say: (m: unknown) => listeners.forEach((l) => l(m)),
    webview: {
      postMessage: async (m: unknown) => {
        posted.push(m);
        return true;
      },
      onDidReceiveMessage: (l: (m: unknown) => void) => {
        listeners.add(l);
        return { dispose: () => listeners.delete(l) };
      },
    },
  };
}

const model = (title: string) => ({ title }) as DashboardModel;

describe('the dashboard feed', () => {
  it('posts each shown model, answers "ready" once with the latest, and leaves no listener behind', () => {
    const page = fakeWebview();
    const feed = new DashboardFeed(page.webview);
    feed.show(model('Contoso – first'));
    feed.show(model('Contoso – second'));
    feed.show(model("Zoë's plan"));
    assert.equal(page.posted.length, 3);
    assert.equal(page.listeners.size, 1, 'one listener however often the dashboard is shown');
    page.say({ type: 'ready' });
    assert.deepEqual(page.posted.slice(3), [{ type: 'picture', model: model("Zoë's plan") }]);
    page.say({ type: 'something else' });
    assert.equal(page.posted.length, 4);
    feed.dispose();
    assert.equal(page.listeners.size, 0);
  });

  it('posts phases 2 and 3 as their own message, and both again on "ready"', () => {
    const page = fakeWebview();
    const feed = new DashboardFeed(page.webview);
    const phases = { readiness: { counts: { ok: 6, warning: 1, blocking: 1 }, ready: false }, waves: [] };
    feed.showPhases(phases);
    assert.deepEqual(page.posted, [{ type: 'phases', phases }], 'the phases may come first: the page keeps them');
    feed.show(model('Contoso'));
    page.say({ type: 'ready' });
    assert.deepEqual(page.posted.slice(2), [
      { type: 'picture', model: model('Contoso') },
      { type: 'phases', phases },
    ]);
    feed.dispose();
  });

  it('says nothing on "ready" before a model is shown', () => {
    const page = fakeWebview();
    new DashboardFeed(page.webview);
    page.say({ type: 'ready' });
    assert.deepEqual(page.posted, []);
  });
});

describe('plan findings in the Problems panel', () => {
  const finding = (message: string): Finding => ({
    severity: 'error',
    code: 'plan/user-in-two-waves',
    message,
    pointer: '/waves/1/users/0',
  });
  function host(disk: Map<string, string>) {
    const shown = new Map<string, string[]>();
    return {
      shown,
      host: {
        check: (text: string) => (text.includes('twice') ? [finding(`"zoë.o'brien@contoso.com" is in two waves (${text.length})`)] : []),
        readFile: async (uri: string) => {
          const text = disk.get(uri);
          if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'FileNotFound' });
          return text;
        },
        set: (uri: string, findings: Finding[]) =>
          void shown.set(
            uri,
            findings.map((f) => f.message),
          ),
        delete: (uri: string) => void shown.delete(uri),
        key: (uri: string) => uri,
      },
    };
  }

  it('a closed plan keeps the findings of the file on disk, not of the unsaved edits', async () => {
    const uri = 'file:///ws/broken plan.migration.json';
    const disk = new Map([[uri, 'user twice on disk']]);
    const { shown, host: h } = host(disk);
    const plans = new PlanFindings(h);
    plans.opened(uri, 'user twice in the editor, edited');
    assert.equal(shown.get(uri)?.length, 1);
    await plans.closed(uri);
    assert.deepEqual(
      shown.get(uri),
      [`"zoë.o'brien@contoso.com" is in two waves (${'user twice on disk'.length})`],
      'still listed, as the file has it',
    );
  });

  it('a closed plan whose file is gone shows nothing; a closed fixed plan shows nothing', async () => {
    const gone = 'file:///ws/gone.migration.json';
    const fixed = 'file:///ws/fixed.migration.json';
    const { shown, host: h } = host(new Map([[fixed, 'all good']]));
    const plans = new PlanFindings(h);
    plans.opened(gone, 'user twice');
    plans.opened(fixed, 'user twice');
    await plans.closed(gone);
    await plans.closed(fixed);
    assert.equal(shown.has(gone), false);
    assert.deepEqual(shown.get(fixed), []);
  });

  it('an edit is checked after the delay, and closing first cancels it', async () => {
    const uri = 'file:///ws/plan.migration.json';
    const { shown, host: h } = host(new Map([[uri, 'all good']]));
    const plans = new PlanFindings(h);
    plans.changed(uri, () => 'user twice', 5);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(shown.get(uri)?.length, 1);
    plans.changed(uri, () => 'user twice again', 5);
    await plans.closed(uri);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(shown.get(uri), [], "the pending check of the closed editor did not overwrite the file's findings");
    plans.dispose();
  });
});

describe('the site database password variable', () => {
  it('is read through its one name (PASSWORD_ENV), never spelled out in code that reads it', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join, relative } = await import('node:path');
    const src = join(__dirname, '../../src');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) =>
        statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : [],
      );
    const READ = /env(\.CM2INTUNE_SQL_PASSWORD|\[\s*['"`]CM2INTUNE_SQL_PASSWORD)/;
    const offenders = files(src)
      .filter((f) => READ.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f));
    assert.deepEqual(offenders, []);
    assert.match(readFileSync(join(src, 'extension/session.ts'), 'utf8'), /process\.env\[PASSWORD_ENV\]/);
  });
});
