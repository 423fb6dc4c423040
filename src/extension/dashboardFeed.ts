// The dashboard's data channel, for the life of one panel: the latest model, posted on every show
// and again when the page says it is listening. One listener per panel, removed with it (a
// listener per show piled up and posted the model once per show).
import type * as vscode from 'vscode';
import type { DashboardModel } from '../core/analysis/summary';
import type { PhasesOverview } from '../core/phases/overview';

type Webview = Pick<vscode.Webview, 'postMessage' | 'onDidReceiveMessage'>;

export class DashboardFeed {
  private model?: DashboardModel;
  private phases?: PhasesOverview;
  private readonly listener: { dispose(): unknown };

  constructor(private readonly webview: Webview) {
    this.listener = webview.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type !== 'ready') return;
      if (this.model) this.post();
      if (this.phases) this.postPhases();
    });
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
