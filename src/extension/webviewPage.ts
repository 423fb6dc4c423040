// The one page shell of the extension's webviews, under a strict CSP: nothing but this page's
// nonce'd style, and the script only where the page has one (the dashboard and the guided switch
// run dist/webview.js; an object's detail runs nothing, so its CSP allows no script at all).
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export type PageContent = { title: string; style: string } & (
  | {
      /** dist/webview.js, which draws the page into #root. */
      script: vscode.Uri;
      /** What #root says until the script has drawn. */
      waiting: string;
    }
  | {
      script?: undefined;
      /** The page's HTML, whole: no script draws it. */
      body: string;
    }
);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function webviewPage(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, page: PageContent): string {
  const nonce = randomBytes(16).toString('base64');
  // The script's page loads its module and the theme's fonts from the extension; the page without
  // one loads nothing.
  const csp = page.script
    ? `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource} 'nonce-${nonce}'; font-src ${webview.cspSource};`
    : `default-src 'none'; style-src 'nonce-${nonce}';`;
  const body = page.script
    ? `<div id="root"><p>${page.waiting}</p></div>
<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(page.script).toString()}"></script>`
    : page.body;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
${page.style}
</style>
<title>${esc(page.title)}</title>
</head>
<body>
${body}
</body>
</html>`;
}
