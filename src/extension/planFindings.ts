// Which plans show which findings in the Problems panel, apart from VS Code: an open plan shows
// its editor text (checked again after edits, debounced), a plan not open shows the file on
// disk, and closing a plan's editor goes back to the file (its unsaved edits are gone), so a
// closed plan keeps its findings.
import type { Finding } from '../core/findings';

export interface PlanFindingsHost<U> {
  /** The product's findings for a plan text (schema errors are VS Code's). */
  check(text: string, uri: U): Finding[];
  readFile(uri: U): Promise<string>;
  set(uri: U, findings: Finding[]): void;
  delete(uri: U): void;
  key(uri: U): string;
}

export class PlanFindings<U> {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly host: PlanFindingsHost<U>) {}

  opened(uri: U, text: string): void {
    this.cancel(uri);
    this.host.set(uri, this.host.check(text, uri));
  }

  changed(uri: U, text: () => string, delayMs: number): void {
    this.cancel(uri);
    this.timers.set(
      this.host.key(uri),
      setTimeout(() => {
        this.timers.delete(this.host.key(uri));
        this.host.set(uri, this.host.check(text(), uri));
      }, delayMs),
    );
  }

  /** The editor closed: the plan on disk is what stays. */
  async closed(uri: U): Promise<void> {
    this.cancel(uri);
    await this.fromDisk(uri);
  }

  async fromDisk(uri: U): Promise<void> {
    let text: string;
    try {
      text = await this.host.readFile(uri);
    } catch {
      this.host.delete(uri); // deleted or renamed: nothing to show
      return;
    }
    this.host.set(uri, this.host.check(text, uri));
  }

  private cancel(uri: U): void {
    clearTimeout(this.timers.get(this.host.key(uri)));
    this.timers.delete(this.host.key(uri));
  }

  dispose(): void {
    this.timers.forEach(clearTimeout);
    this.timers.clear();
  }
}
