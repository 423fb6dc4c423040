import type * as vscode from 'vscode';
import type { PictureStore } from '../core/phases/picture-store';
import type { Ui } from './ui';

/**
 * What every part of the extension gets: the log, disposables, the extension's context, the UI
 * commands ask and show through (tests replace it), and the plans' pictures, read once.
 */
export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly subscriptions: { dispose(): unknown }[];
  ui: Ui;
  readonly pictures: PictureStore;
}
