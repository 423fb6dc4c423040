// The webviews' one page shell (src/extension/webviewPage.ts) and its CSP on the two kinds of page:
// the dashboard runs its nonce'd module and nothing else; an object's detail runs nothing at all.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as vscode from 'vscode';

// dashboard.ts and objectDetail.ts import `vscode`: the test stand-in is installed before they load.
const { installVscodeStub } = require('../support/vscode-stub.cjs') as { installVscodeStub(): unknown };

const webview = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  asWebviewUri: (uri: vscode.Uri) => ({ toString: () => `https://file+.vscode-resource.vscode-cdn.net${uri.path}` }) as vscode.Uri,
};
const script = { path: '/ext/dist/webview.js' } as vscode.Uri;

/** The CSP's directives by name, and the nonces the page's tags carry. */
function parse(html: string) {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, `no CSP in:\n${html}`);
  const csp = new Map(
    content
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const),
  );
  const nonces = [...html.matchAll(/<(\w+)[^>]* nonce="([^"]+)"/g)].map((m) => ({ tag: m[1], nonce: m[2] }));
  return { csp, nonces };
}

describe('the webviews’ CSP', () => {
  let dashboardPage: (w: typeof webview, s: vscode.Uri) => string;
  let detailPage: (w: typeof webview, title: string, body: string) => string;
  before(async () => {
    installVscodeStub();
    ({ dashboardPage } = await import('../../src/extension/dashboard'));
    ({ detailPage } = await import('../../src/extension/objectDetail'));
  });

  it('the dashboard: its one module by this page’s nonce, the style by the same nonce, fonts from the extension', () => {
    const html = dashboardPage(webview, script);
    const { csp, nonces } = parse(html);
    const nonce = nonces[0].nonce;
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('style-src'), [webview.cspSource, `'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('font-src'), [webview.cspSource]);
    assert.deepEqual(nonces, [
      { tag: 'style', nonce },
      { tag: 'script', nonce },
    ]);
    assert.match(
      html,
      /<script type="module" nonce="[^"]+" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"><\/script>/,
    );
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.notEqual(parse(dashboardPage(webview, script)).nonces[0].nonce, nonce, 'a new nonce each time the page is drawn');
  });

  it('an object’s detail: no script-src and no script, its style by nonce only, its HTML as given, the title escaped', () => {
    const body = '<h1>iOS – Restrictions &lt;Sales &amp; Field&gt;</h1><a href="command:cm2intune.showDrift?x">Show drift</a>';
    const html = detailPage(webview, 'iOS – Restrictions <Sales & Field>', body);
    const { csp, nonces } = parse(html);
    assert.deepEqual([...csp.keys()], ['default-src', 'style-src']);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('style-src'), [`'nonce-${nonces[0].nonce}'`]);
    assert.deepEqual(
      nonces.map((n) => n.tag),
      ['style'],
    );
    assert.doesNotMatch(html, /<script/);
    assert.ok(html.includes(`<body>\n${body}\n</body>`));
    assert.match(html, /<title>iOS – Restrictions &lt;Sales &amp; Field&gt;<\/title>/);
    assert.match(html, /tr\.outcome-changed td/, 'the detail’s own style');
  });
});
