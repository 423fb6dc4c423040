// The `vscode` module as the tree bench (bench/tree.ts) gives it to the bundled ObjectsTree: what
// the tree and the modules it loads touch, each doing the work VS Code's own does in the extension
// host (a TreeItem keeps what it is given, a Uri is parsed and printed, a document gives its text).
// Nothing here skips work of the tree's; the only thing cheaper than in VS Code is findFiles (an
// IPC call there). The bench sets `workspace.findFiles` and `workspace.textDocuments`.
'use strict';
const { posix } = require('node:path');

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    };
  }
  fire(value) {
    for (const l of [...this.listeners]) l(value);
  }
  dispose() {
    this.listeners = [];
  }
}

class Uri {
  constructor(scheme, authority, path, query, fragment) {
    this.scheme = scheme;
    this.authority = authority;
    this.path = path;
    this.query = query;
    this.fragment = fragment;
    this.fsPath = path;
    // VS Code's Uri caches its string form too.
    this.formatted = `${scheme}://${authority}${encodeURI(path)}${query ? `?${query}` : ''}${fragment ? `#${fragment}` : ''}`;
  }
  static file(path) {
    return new Uri('file', '', path.replace(/\\/g, '/'), '', '');
  }
  static parse(value) {
    const m = /^([a-z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(value);
    if (!m) throw new Error(`not a URI: ${value}`);
    return new Uri(m[1], m[2] ?? '', decodeURI(m[3]), m[4] ?? '', m[5] ?? '');
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, base.authority, posix.join(base.path, ...parts), '', '');
  }
  with(change) {
    return new Uri(
      change.scheme ?? this.scheme,
      change.authority ?? this.authority,
      change.path ?? this.path,
      change.query ?? this.query,
      change.fragment ?? this.fragment,
    );
  }
  toString() {
    return this.formatted;
  }
  toJSON() {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };

class TreeItem {
  constructor(label, collapsibleState = TreeItemCollapsibleState.None) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}

class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(value) {
    this.value += value;
    return this;
  }
  appendText(value) {
    this.value += value.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
}

const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
const disposable = () => ({ dispose() {} });

const workspace = {
  workspaceFolders: undefined,
  isTrusted: true,
  /** Open documents: `{ uri, getText() }`, set by the bench. */
  textDocuments: [],
  /** The workspace's plans, set by the bench. */
  plans: [],
  findFiles: async () => [...workspace.plans],
  getConfiguration: () => ({ get: (_key, fallback) => fallback }),
  asRelativePath: (pathOrUri) => {
    const path = typeof pathOrUri === 'string' ? pathOrUri : pathOrUri.fsPath;
    const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
    return folder && path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : path;
  },
  fs: { readFile: async (uri) => new Uint8Array(require('node:fs').readFileSync(uri.fsPath)) },
};

const window = {
  activeTextEditor: undefined,
  withProgress: async (_options, task) =>
    task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => disposable() }),
};

// The tree counts the plan's problems and sets a context key on each paint: both cheap here as in VS Code.
const languages = { getDiagnostics: () => [], onDidChangeDiagnostics: () => disposable() };
const commands = { executeCommand: async () => undefined };

module.exports = {
  commands,
  DiagnosticSeverity,
  EventEmitter,
  MarkdownString,
  ThemeColor,
  ThemeIcon,
  TreeItem,
  TreeItemCollapsibleState,
  languages,
  Uri,
  window,
  workspace,
};
