// An open document's text, read once per version: VS Code builds the text again on each getText()
// (about 20 ms for a plan with 50k users in waves), and the view, the pictures and the commands
// each ask for the plan's text. The same string for the same version also lets the plan's check
// (PlanCheckCache) know it at once. No `vscode` import: unit-tested with plain documents.

export interface VersionedDocument {
  /** Grows with every change of the text (VS Code's TextDocument.version). */
  readonly version: number;
  getText(): string;
}

export class DocumentTexts<D extends VersionedDocument = VersionedDocument> {
  // Keyed by the document object: a closed document's text goes with it.
  private readonly known = new WeakMap<D, { version: number; text: string }>();

  text(document: D): string {
    const known = this.known.get(document);
    if (known?.version === document.version) return known.text;
    const text = document.getText();
    this.known.set(document, { version: document.version, text });
    return text;
  }
}
