// What commands ask and show a person: questions, pickers, progress and messages. Commands get it
// from their context (`ctx.ui`); the extension-host tests replace it, so no command needs a
// test-only argument.
import * as vscode from 'vscode';
import { CancelledError, isCancelledError } from '../core/errors';

export interface GroupChoice {
  id: string;
  displayName: string;
}

/**
 * Buttons on a message, by title ("Open report", "Show log"); a bare function is the log's
 * "Show log" alone.
 */
export type MessageActions = (() => unknown) | Record<string, () => unknown>;

export interface Ui {
  /** A modal question; true when the person chose `action`. */
  confirm(question: string, detail: string, action: string): Promise<boolean>;
  /** A password box whose answer is not shown; undefined when dismissed. */
  password(title: string, prompt: string): Promise<string | undefined>;
  /**
   * Picks a group: `search(text)` yields the groups whose name starts with what was typed, as
   * many as are pulled (the picker shows a page and offers more). Undefined when dismissed.
   */
  pickGroup(title: string, search: (text: string) => AsyncIterable<GroupChoice>): Promise<GroupChoice | undefined>;
  /** One of `choices` (a wave, a step); undefined when dismissed. */
  pick(title: string, choices: { label: string; description?: string }[]): Promise<string | undefined>;
  /** Several of `choices` (their `value`s; none chosen = []); undefined when dismissed. */
  pickMany(
    title: string,
    choices: { label: string; description?: string; value: string; picked?: boolean }[],
  ): Promise<string[] | undefined>;
  /** Where to save a new file; undefined when dismissed. */
  saveLocation(title: string, suggested: vscode.Uri, filters: Record<string, string[]>): Promise<vscode.Uri | undefined>;
  /** Runs `task` with cancellable progress; the signal aborts when the person cancels. */
  progress<T>(title: string, task: (report: (message: string, increment?: number) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Messages are not awaited: a command never hangs on a notification. */
  info(message: string, actions?: MessageActions): void;
  warn(message: string, actions?: MessageActions): void;
  error(message: string, actions?: MessageActions): void;
}

const PAGE = 100;

export const vscodeUi: Ui = {
  async confirm(question, detail, action) {
    return (await vscode.window.showWarningMessage(question, { modal: true, detail }, action)) === action;
  },
  password(title, prompt) {
    return Promise.resolve(vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true }));
  },
  pickGroup,
  async pick(title, choices) {
    return (await vscode.window.showQuickPick(choices, { title, ignoreFocusOut: true }))?.label;
  },
  async pickMany(title, choices) {
    const picked = await vscode.window.showQuickPick(choices, { title, canPickMany: true, ignoreFocusOut: true });
    return picked?.map((c) => c.value);
  },
  saveLocation(title, defaultUri, filters) {
    return Promise.resolve(vscode.window.showSaveDialog({ title, defaultUri, filters }));
  },
  progress(title, task) {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await task((message, increment) => progress.report({ message, increment }), abort.signal);
        } catch (error) {
          // Cancelled by the person: whatever the task threw on the way out, it is not a failure.
          if (abort.signal.aborted && !isCancelledError(error)) throw new CancelledError(`${title}: cancelled`);
          throw error;
        } finally {
          sub.dispose();
        }
      }),
    );
  },
  info(message, actions) {
    offer(vscode.window.showInformationMessage, message, actions);
  },
  warn(message, actions) {
    offer(vscode.window.showWarningMessage, message, actions);
  },
  error(message, actions) {
    offer(vscode.window.showErrorMessage, message, actions);
  },
};

function offer(show: (message: string, ...items: string[]) => Thenable<string | undefined>, message: string, actions?: MessageActions) {
  const buttons = typeof actions === 'function' ? { 'Show log': actions } : (actions ?? {});
  void show(message, ...Object.keys(buttons)).then((chosen) => chosen && buttons[chosen]?.());
}

interface GroupItem extends vscode.QuickPickItem {
  group?: GroupChoice;
  more?: true;
}

/** A quick pick that searches the tenant as the person types and pages instead of stopping at 100. */
function pickGroup(title: string, search: (text: string) => AsyncIterable<GroupChoice>): Promise<GroupChoice | undefined> {
  const pick = vscode.window.createQuickPick<GroupItem>();
  pick.title = title;
  pick.placeholder = 'Type the beginning of a group name';
  pick.matchOnDescription = true;
  let generation = 0;
  let source: AsyncIterator<GroupChoice> | undefined;
  let shown: GroupItem[] = [];
  let timer: NodeJS.Timeout | undefined;

  const pull = async (reset: boolean) => {
    const mine = reset ? ++generation : generation;
    if (reset) {
      source = search(pick.value)[Symbol.asyncIterator]();
      shown = [];
    }
    pick.busy = true;
    try {
      const page: GroupItem[] = [];
      let done = false;
      while (page.length < PAGE) {
        const next = await source!.next();
        if (next.done) {
          done = true;
          break;
        }
        page.push({ label: next.value.displayName, description: next.value.id, group: next.value });
      }
      if (mine !== generation) return; // typed on meanwhile
      shown = [...shown, ...page];
      pick.items = done ? shown : [...shown, { label: '$(ellipsis) More groups…', alwaysShow: true, more: true }];
      pick.busy = false;
    } catch (error) {
      if (mine !== generation) return;
      pick.busy = false;
      pick.items = [
        { label: '$(error) Could not read the groups', detail: error instanceof Error ? error.message : String(error), alwaysShow: true },
      ];
    }
  };

  return new Promise<GroupChoice | undefined>((resolve) => {
    pick.onDidChangeValue(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void pull(true), 250);
    });
    pick.onDidAccept(() => {
      const [chosen] = pick.selectedItems;
      if (chosen?.more) return void pull(false);
      if (!chosen?.group) return;
      resolve(chosen.group);
      pick.hide();
    });
    pick.onDidHide(() => {
      clearTimeout(timer);
      generation++;
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
    void pull(true);
  });
}
