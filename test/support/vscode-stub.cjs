// A minimal stand-in for the `vscode` module, enough to load the built extension and run
// `activate` outside VS Code (the activation bench and the lazy-loading test). Every member
// not listed in vscode-base.cjs is a callable, constructible no-op; what activation awaits resolves empty.
// Plain CommonJS so a bench child process needs no TypeScript loader (which would slow loading).
'use strict';
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { baseApi, event } = require('./vscode-base.cjs');

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

function stub() {
  const vscode = baseApi();
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
