// A minimal stand-in for the `vscode` module, enough to load the built extension and run
// `activate` outside VS Code (the activation bench and the lazy-loading test). Every member
// not listed below is a callable, constructible no-op; what activation awaits resolves empty.
// Plain CommonJS so a bench child process needs no TypeScript loader (which would slow loading).
'use strict';
const Module = require('node:module');
const { readFileSync } = require('node:fs');

/** A function-like object whose every property, call and `new` gives another such object. */
function anything(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a promise: `await` gives it back as is
      if (key === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (key === 'dispose') return () => {};
      return anything(`${name}.${String(key)}`);
    },
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`),
  });
}

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

function stub() {
  const vscode = {
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
  // Namespaces give a no-op for members not listed above.
  const deep = (object, name) =>
    new Proxy(object, {
      get(target, key) {
        if (key in target) return target[key];
        if (key === 'then') return undefined;
        return anything(`${name}.${String(key)}`);
      },
    });
  for (const [key, value] of Object.entries(vscode)) if (value && typeof value === 'object') vscode[key] = deep(value, `vscode.${key}`);
  // Bundles copy the module's own properties (esbuild's __toESM), so every top-level name of the
  // API must exist: they are read from @types/vscode.
  for (const name of apiNames()) if (!(name in vscode)) vscode[name] = anything(`vscode.${name}`);
  return vscode;
}

function apiNames() {
  const types = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  return [...types.matchAll(/^\texport (?:namespace|class|enum|const|function|let|var) (\w+)/gm)].map((m) => m[1]);
}

/** Makes `require('vscode')` give the stand-in from now on in this process. */
function installVscodeStub() {
  const instance = stub();
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return instance;
    return load.call(this, request, parent, isMain);
  };
  return instance;
}

/** What `activate` gets: the members the extension reads, on a throwaway folder. */
function fakeContext(extensionPath) {
  const memento = () => ({ get: (_k, fallback) => fallback, update: async () => {}, keys: () => [] });
  return {
    subscriptions: [],
    extensionPath,
    extensionUri: { fsPath: extensionPath, path: extensionPath, scheme: 'file', toString: () => `file://${extensionPath}` },
    extensionMode: 1,
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: event() },
    globalStorageUri: { fsPath: extensionPath },
    storageUri: undefined,
    logUri: { fsPath: extensionPath },
    asAbsolutePath: (p) => `${extensionPath}/${p}`,
  };
}

module.exports = { installVscodeStub, fakeContext };
