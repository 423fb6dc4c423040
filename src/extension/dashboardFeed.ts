// The dashboard's data channel, for the life of one panel: the latest model, posted on every show
// and again when the page says it is listening. One listener per panel, removed with it (a
// listener per show piled up and posted the model once per show).
import type * as vscode from 'vscode';
import type { DashboardModel } from '../core/analysis/summary';

type Webview = Pick<vscode.Webview, 'postMessage' | 'onDidReceiveMessage'>;

export class DashboardFeed {
  private model?: DashboardModel;
  private readonly listener: { dispose(): unknown };

  constructor(private readonly webview: Webview) {
    this.listener = webview.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type === 'ready' && this.model) this.post();
    });
  }

  show(model: DashboardModel): void {
    this.model = model;
    this.post();
  }

  private post(): void {
    void this.webview.postMessage({ type: 'picture', model: this.model });
  }

  dispose(): void {
    this.listener.dispose();
  }
}
