// src/core runs in plain Node (CLI, tests): nothing below it may import the editor.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const core = join(__dirname, '../../src/core');
const IMPORTS_VSCODE = /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

test('no file in src/core imports vscode', () => {
  const files = sources(core);
  assert.ok(files.length > 5, 'the scan must see the core');
  const offenders = files.filter((f) => IMPORTS_VSCODE.test(readFileSync(f, 'utf8'))).map((f) => relative(core, f));
  assert.deepEqual(offenders, []);
});

test('the scan recognises every import form', () => {
  for (const line of [
    "import * as vscode from 'vscode';",
    'const v = require("vscode");',
    "await import('vscode')",
    "import type { Uri } from 'vscode';",
  ]) {
    assert.match(line, IMPORTS_VSCODE, line);
  }
  assert.doesNotMatch("import { x } from './vscode-like';", IMPORTS_VSCODE);
});
