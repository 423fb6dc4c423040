// The `vscode` members both stand-ins share: the test stub (vscode-stub.cjs, which makes every
// other member a no-op) and the tree bench's (bench/vscode-tree.cjs, which adds what the tree
// touches). Plain CommonJS with nothing to resolve at load, so the bench can bundle it.
'use strict';

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    };
  }
  fire(value) {
    for (const l of this.listeners) l(value);
  }
  dispose() {
    this.listeners = [];
  }
}

const disposable = () => ({ dispose() {} });
const event = () => disposable;

/** The members listed: plain namespaces, a new set each call. */
function baseApi() {
  return {
    EventEmitter,
    Disposable: class {
      static from() {
        return disposable();
      }
      dispose() {}
    },
    workspace: {
      workspaceFolders: undefined,
      textDocuments: [],
      isTrusted: true,
      getConfiguration: () => ({ get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} }),
      findFiles: async () => [],
      fs: { readFile: async () => new Uint8Array(), stat: async () => ({}) },
      asRelativePath: (p) => String(p),
      registerTextDocumentContentProvider: disposable,
      createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
      onDidOpenTextDocument: event(),
      onDidChangeTextDocument: event(),
      onDidCloseTextDocument: event(),
      onDidSaveTextDocument: event(),
      onDidChangeConfiguration: event(),
      onDidGrantWorkspaceTrust: event(),
      onDidChangeWorkspaceFolders: event(),
    },
    window: {
      activeTextEditor: undefined,
      createOutputChannel: () => ({ info() {}, warn() {}, error() {}, debug() {}, trace() {}, appendLine() {}, show() {}, dispose() {} }),
      createTreeView: () => ({
        onDidExpandElement: event(),
        onDidCollapseElement: event(),
        onDidChangeVisibility: event(),
        onDidChangeSelection: event(),
        reveal: async () => {},
        dispose() {},
      }),
      onDidChangeActiveTextEditor: event(),
      registerWebviewPanelSerializer: disposable,
      withProgress: async (_options, task) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: event() }),
    },
    commands: { registerCommand: disposable, executeCommand: async () => undefined },
    languages: { createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {} }) },
  };
}

module.exports = { baseApi, disposable, event };
