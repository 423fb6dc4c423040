// One wrapper for every command: a UserError becomes its one-line message, anything else too
// (with the stack in the log), cancelling is quiet, and nothing throws into VS Code's generic
// error toast.
import * as vscode from 'vscode';
import { isCancelledError, isUserError } from '../core/errors';
import type { Ctx } from './ctx';

export type CommandHandler = (ctx: Ctx, ...args: unknown[]) => unknown;

export function registerCommands(ctx: Ctx, handlers: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(handlers)) {
    ctx.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(ctx, ...args);
        } catch (error) {
          if (isCancelledError(error) || error instanceof vscode.CancellationError) {
            ctx.log.info(`${id}: ${error.message}`);
            return undefined;
          }
          const message = error instanceof Error ? error.message : String(error);
          if (isUserError(error)) ctx.log.error(`${id}: ${message}`);
          else ctx.log.error(`${id}: ${message}`, error instanceof Error && error.stack ? error.stack : '');
          ctx.ui.error(message, () => ctx.log.show(true));
          return undefined;
        }
      }),
    );
  }
}
