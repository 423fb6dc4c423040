// One activation of the built extension in this fresh process, outside VS Code: loads the
// bundle with the `vscode` stand-in, runs `activate` with a fake context, and prints as JSON how
// long that took and which files of the bundle's folder were loaded (by then, and once what
// activation started has settled). Plain CommonJS: no TypeScript loader in the measured process.
//   node bench/activate-extension.cjs dist/extension.js
'use strict';
const { performance } = require('node:perf_hooks');
const Module = require('node:module');
const { dirname, relative, resolve } = require('node:path');
const { installVscodeStub, fakeContext } = require('../test/support/vscode-stub.cjs');

const bundle = resolve(process.argv[2] ?? 'dist/extension.js');
const folder = dirname(bundle);
const loaded = new Set();
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const file = resolveFilename.call(this, request, ...rest);
  if (typeof file === 'string' && file.startsWith(folder)) loaded.add(relative(folder, file));
  return file;
};
installVscodeStub();

const started = performance.now();
const extension = require(bundle);
const api = extension.activate(fakeContext(resolve(folder, '..')));
const ms = performance.now() - started;
const atActivation = [...loaded];
setTimeout(() => {
  process.stdout.write(JSON.stringify({ ms, atActivation, afterSettling: [...loaded], api: Object.keys(api ?? {}) }) + '\n');
  process.exit(0);
}, 100);
