// One wrapper for every command: errors become one readable message (details in the log),
// cancellation is silent, and nothing throws into VS Code's generic error toast.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export class UserCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export type CommandHandler = (ctx: Ctx, ...args: unknown[]) => unknown;

export function registerCommands(ctx: Ctx, handlers: Record<string, CommandHandler>): void {
  for (const [id, handler] of Object.entries(handlers)) {
    ctx.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(ctx, ...args);
        } catch (error) {
          if (error instanceof UserCancelled || error instanceof vscode.CancellationError) {
            ctx.log.info(`${id}: cancelled`);
            return undefined;
          }
          const message = error instanceof Error ? error.message : String(error);
          ctx.log.error(`${id}: ${message}`, error instanceof Error && error.stack ? error.stack : '');
          // Not awaited: a command must never hang on a notification.
          void vscode.window.showErrorMessage(message, 'Show log').then((choice) => {
            if (choice) ctx.log.show(true);
          });
          return undefined;
        }
      }),
    );
  }
}
