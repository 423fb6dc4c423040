// Waiting on conditions, never on the clock: poll a probe until it yields a value or time runs out.
import * as vscode from 'vscode';

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

export const describe = (diags: readonly vscode.Diagnostic[]) =>
  diags.map((d) => `[${d.source ?? '?'} ${codeOf(d) ?? ''} ${d.range.start.line}:${d.range.start.character}] ${d.message}`).join(' | ') ||
  '(none)';

/** Diagnostics of `uri` that satisfy `match`, once at least one exists. */
export function waitForDiagnostic(uri: vscode.Uri, what: string, match: (d: vscode.Diagnostic) => boolean, timeoutMs = 30_000) {
  return waitFor(
    `${what} on ${uri.fsPath}`,
    () => {
      const found = vscode.languages.getDiagnostics(uri).filter(match);
      return found.length > 0 ? found : undefined;
    },
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; diagnostics there: ${describe(vscode.languages.getDiagnostics(uri))}`);
  });
}
