// The dashboard's data channel, for the life of one panel: the latest model, posted on every show
// and again when the page says it is listening; the page's requests to run a command, let through
// the allow-list only. One listener per panel, removed with it (a listener per show piled up and
// posted the model once per show).
import type * as vscode from 'vscode';
import type { DashboardModel } from '../core/analysis/summary';
import type { PhasesOverview } from '../core/phases/overview';
import { dashboardRun, type DashboardRun } from './dashboardActions';

type Webview = Pick<vscode.Webview, 'postMessage' | 'onDidReceiveMessage'>;

export class DashboardFeed {
  private model?: DashboardModel;
  private phases?: PhasesOverview;
  private readonly listener: { dispose(): unknown };

  /** `run` runs a command the allow-list let through (the extension adds the plan where it belongs). */
  constructor(
    private readonly webview: Webview,
    private readonly run: (request: DashboardRun) => PromiseLike<unknown> = async () => undefined,
  ) {
    this.listener = webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
  }

  /** A message from the page: `ready` posts what is known; `run` runs an allowed command, anything else nothing. */
  async receive(message: unknown): Promise<{ ran?: string; refused?: string }> {
    const type = (message as { type?: unknown } | null)?.type;
    if (type === 'ready') {
      if (this.model) this.post();
      if (this.phases) this.postPhases();
      return {};
    }
    if (type !== 'run') return {};
    const request = dashboardRun(message);
    if (!request) return { refused: String((message as { command?: unknown }).command) };
    await this.run(request);
    return { ran: request.command };
  }

  show(model: DashboardModel): void {
    this.model = model;
    this.post();
  }

  /** Phases 2 and 3 come later than the picture (another read): the page draws them when they arrive. */
  showPhases(phases: PhasesOverview): void {
    this.phases = phases;
    this.postPhases();
  }

  /** What the page was last sent. */
  get shown(): { model?: DashboardModel; phases?: PhasesOverview } {
    return { model: this.model, phases: this.phases };
  }

  private post(): void {
    void this.webview.postMessage({ type: 'picture', model: this.model });
  }

  private postPhases(): void {
    void this.webview.postMessage({ type: 'phases', phases: this.phases });
  }

  dispose(): void {
    this.listener.dispose();
  }
}
