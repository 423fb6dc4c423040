import type * as vscode from 'vscode';

/** What every part of the extension gets: the log, disposables, and the extension's context. */
export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly subscriptions: { dispose(): unknown }[];
}
