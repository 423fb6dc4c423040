// The `vscode` module as the tree bench (bench/tree.ts) gives it to the bundled ObjectsTree: the
// test stand-ins' shared members (test/support/vscode-base.cjs: EventEmitter, the namespaces) and
// what the tree touches beyond them, each doing the work VS Code's own does in the extension host
// (a TreeItem keeps what it is given, a Uri is parsed and printed, a document gives its text).
// Nothing here skips work of the tree's; the only thing cheaper than in VS Code is findFiles (an
// IPC call there). The bench sets `workspace.findFiles` and `workspace.textDocuments`.
'use strict';
const { posix } = require('node:path');
const { baseApi, disposable } = require('../test/support/vscode-base.cjs');

const base = baseApi();

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

const workspace = {
  ...base.workspace,
  /** Open documents: `{ uri, getText() }`, set by the bench. */
  textDocuments: [],
  /** The workspace's plans, set by the bench. */
  plans: [],
  findFiles: async () => [...workspace.plans],
  asRelativePath: (pathOrUri) => {
    const path = typeof pathOrUri === 'string' ? pathOrUri : pathOrUri.fsPath;
    const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
    return folder && path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : path;
  },
  fs: { ...base.workspace.fs, readFile: async (uri) => new Uint8Array(require('node:fs').readFileSync(uri.fsPath)) },
};

// The tree counts the plan's problems and sets a context key on each paint: both cheap here as in VS Code.
const languages = { ...base.languages, getDiagnostics: () => [], onDidChangeDiagnostics: () => disposable() };

module.exports = {
  commands: base.commands,
  DiagnosticSeverity,
  EventEmitter: base.EventEmitter,
  MarkdownString,
  ThemeColor,
  ThemeIcon,
  TreeItem,
  TreeItemCollapsibleState,
  languages,
  Uri,
  window: base.window,
  workspace,
};
