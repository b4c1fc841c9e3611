// KeyStore inside the extension host, with a SecretStorage that fails the way a missing OS keyring does.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { KeyringError, KeyStore } from '../../src/services/keyStore';

function brokenSecrets(): vscode.SecretStorage {
  const emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const fail = (): Promise<never> => Promise.reject(new Error('Cannot create an item in a locked collection'));
  return { get: fail, store: fail, delete: fail, onDidChange: emitter.event };
}

function memorySecrets(): vscode.SecretStorage & { values: Map<string, string> } {
  const emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const values = new Map<string, string>();
  return {
    values,
    get: (k) => Promise.resolve(values.get(k)),
    store: (k, v) => {
      values.set(k, v);
      emitter.fire({ key: k });
      return Promise.resolve();
    },
    delete: (k) => {
      values.delete(k);
      emitter.fire({ key: k });
      return Promise.resolve();
    },
    onDidChange: emitter.event,
  };
}

describe('KeyStore', () => {
  it('says what to do when the OS keyring is missing', async () => {
    const keys = new KeyStore(brokenSecrets());
    const o = 'https://api.arcee.ai';
    for (const op of [
      () => keys.set(o, 'rcai-x'),
      () => keys.get(o),
      () => keys.clear(o),
      () => keys.migrateLegacyKey(o),
    ]) {
      await assert.rejects(
        op(),
        (e: unknown) =>
          e instanceof KeyringError &&
          /OS keyring/.test(e.message) &&
          /--password-store=basic/.test(e.message) &&
          /locked collection/.test(e.message),
      );
    }
    keys.dispose();
  });

  it('keeps each key under its origin, trims it, and fires onDidChange with the origin for its own keys only', async () => {
    const secrets = memorySecrets();
    const keys = new KeyStore(secrets);
    const changes: string[] = [];
    keys.onDidChange((origin) => changes.push(origin));
    await keys.set('https://api.arcee.ai', '  rcai-abc  ');
    await keys.set('http://127.0.0.1:8080', 'local-key');
    assert.deepEqual(
      [...secrets.values.entries()],
      [
        ['arcee.apiKey@https://api.arcee.ai', 'rcai-abc'],
        ['arcee.apiKey@http://127.0.0.1:8080', 'local-key'],
      ],
    );
    assert.equal(await keys.get('https://api.arcee.ai'), 'rcai-abc');
    assert.equal(await keys.get('http://127.0.0.1:8080'), 'local-key');
    assert.equal(await keys.get('http://localhost:8080'), undefined, 'localhost is another origin');
    await secrets.store('other.extension.key', 'x');
    await keys.clear('https://api.arcee.ai');
    assert.equal(await keys.get('https://api.arcee.ai'), undefined);
    assert.equal(await keys.get('http://127.0.0.1:8080'), 'local-key');
    assert.deepEqual(changes, ['https://api.arcee.ai', 'http://127.0.0.1:8080', 'https://api.arcee.ai']);
    await assert.rejects(keys.set('https://api.arcee.ai', '   '), /empty/);
    keys.dispose();
  });

  it("moves 1.x's key to the origin it was used with, deletes the old entry, and never overwrites a newer key", async () => {
    const secrets = memorySecrets();
    await secrets.store(KeyStore.LEGACY_SECRET_ID, ' rcai-from-1.1.0 ');
    const keys = new KeyStore(secrets);
    assert.equal(await keys.migrateLegacyKey('http://127.0.0.1:9000'), true);
    assert.equal(await keys.get('http://127.0.0.1:9000'), 'rcai-from-1.1.0');
    assert.equal(secrets.values.has(KeyStore.LEGACY_SECRET_ID), false, 'no unbound copy is left');
    assert.equal(await keys.migrateLegacyKey('http://127.0.0.1:9000'), false, 'nothing left to move');

    await secrets.store(KeyStore.LEGACY_SECRET_ID, 'rcai-stale');
    assert.equal(await keys.migrateLegacyKey('http://127.0.0.1:9000'), true);
    assert.equal(await keys.get('http://127.0.0.1:9000'), 'rcai-from-1.1.0', 'a key already bound wins');
    assert.equal(secrets.values.has(KeyStore.LEGACY_SECRET_ID), false);
    keys.dispose();
  });

  it('a 1.x key that appears after start-up (the keyring was locked) is still moved, on the first read', async () => {
    const secrets = memorySecrets();
    const keys = new KeyStore(secrets);
    assert.equal(await keys.migrateLegacyKey('https://api.arcee.ai'), false);
    await secrets.store(KeyStore.LEGACY_SECRET_ID, 'rcai-late');
    assert.equal(await keys.get('http://127.0.0.1:9000'), undefined, 'only for the origin it belongs to');
    assert.equal(await keys.get('https://api.arcee.ai'), 'rcai-late');
    assert.equal(secrets.values.has(KeyStore.LEGACY_SECRET_ID), false);
    keys.dispose();
  });

  it('a read made while the start-up key is still being stored waits for it, and a failed import holds nothing', async () => {
    const keys = new KeyStore(memorySecrets());
    const o = 'https://api.arcee.ai';
    let release: () => void = () => undefined;
    const imported = new Promise<void>((resolve) => (release = resolve)).then(() => keys.set(o, 'rcai-from-npm-start'));
    keys.holdReadsUntil(imported);
    // A command run in the window's first moments reads the key before the import has stored it.
    const early = keys.get(o);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    assert.equal(await early, 'rcai-from-npm-start');
    keys.holdReadsUntil(Promise.reject(new Error('the key file was unreadable')));
    assert.equal(await keys.get(o), 'rcai-from-npm-start');
    keys.dispose();
  });
});
