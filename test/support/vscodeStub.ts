/**
 * A stand-in `vscode` module for loading the extension bundle outside VS Code (the activation bench and the unit
 * test that guards lazy loading). It has the same top-level names as the real API object: the run-time values
 * that `@types/vscode` declares (classes, enums, namespaces, `version`; interfaces and type aliases do not exist
 * at run time). Each is a recursive stub: any property, call or `new` gives another stub, so `activate` runs
 * through without a window. Only what the bundle does with them is of interest, never what they return.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

const TYPES_DIR = path.dirname(require.resolve('@types/vscode/package.json'));

/** The run-time names `declare module 'vscode'` exports: one tab deep in index.d.ts, as the file is laid out. */
export function vscodeApiNames(dts = path.join(TYPES_DIR, 'index.d.ts')): string[] {
  const names = new Set<string>();
  for (const m of fs
    .readFileSync(dts, 'utf8')
    .matchAll(/^\texport (?:declare )?(class|enum|namespace|const|let|function) (\w+)/gm))
    names.add(m[2]);
  if (names.size < 100) throw new Error(`${dts}: found only ${names.size} exported names; has its layout changed?`);
  return [...names];
}

/** The `version` the stand-in reports: the typings' own. */
export function typesVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(TYPES_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

const PRIMITIVE = (hint: string): string | number => (hint === 'number' ? 0 : '');

/** Told of each call or `new` of a stub: its path (`vscode.commands.registerCommand`) and arguments. */
export type CallRecorder = (path: string, args: unknown[]) => void;

/** A callable, constructible stub whose every property is a stub (the same one on each access). */
export function stub(label = 'stub', record?: CallRecorder): unknown {
  const children = new Map<PropertyKey, unknown>();
  const target = function () {
    // The proxy decides what a call returns.
  };
  const proxy: unknown = new Proxy(target, {
    get(_t, key) {
      // Printable and iterable (as empty). `then` is a stub like any other: the API's Thenables have their `.then`,
      // and an `await` of one never resumes, so the async work activation starts stops at its first wait.
      if (key === Symbol.toPrimitive) return PRIMITIVE;
      if (key === Symbol.iterator) return function* () {};
      let child = children.get(key);
      if (child === undefined) children.set(key, (child = stub(`${label}.${String(key)}`, record)));
      return child;
    },
    set(_t, key, value) {
      children.set(key, value);
      return true;
    },
    apply: (_t, _this, args: unknown[]) => {
      record?.(label, args);
      return stub(`${label}()`, record);
    },
    construct: (_t, args: unknown[]) => {
      record?.(`new ${label}`, args);
      return stub(`new ${label}`, record) as object;
    },
  });
  return proxy;
}

/** A plain object with every name of the API, like the object VS Code hands to `require('vscode')`. */
export function vscodeStub(names = vscodeApiNames(), record?: CallRecorder): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const name of names) api[name] = name === 'version' ? typesVersion() : stub(`vscode.${name}`, record);
  return api;
}

/** The part of an ExtensionContext a caller looks at; every other property is a stub. */
export interface ContextStub {
  subscriptions: { dispose(): unknown }[];
}

/** An ExtensionContext whose properties are stubs, except `subscriptions`, a real array as in VS Code. */
export function contextStub(): ContextStub {
  const context = stub('context') as ContextStub;
  context.subscriptions = [];
  return context;
}

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

/**
 * Makes `require('vscode')` return `api` in this process until the returned function is called; `seen` is told
 * of every `require` (the request and the requiring file) meanwhile.
 */
export function provideVscode(api: unknown, seen?: (request: string, from: string | undefined) => void): () => void {
  const m = Module as unknown as { _load: Load };
  const original = m._load;
  m._load = function (request, parent, isMain) {
    seen?.(request, parent?.filename);
    return request === 'vscode' ? api : original.call(this, request, parent, isMain);
  };
  return () => {
    m._load = original;
  };
}
