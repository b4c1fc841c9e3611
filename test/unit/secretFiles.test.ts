import * as assert from 'node:assert/strict';
import { isSecretFile, secretReason } from '../../src/tools/secretFiles';

describe('workspace tools: files that may hold secrets', () => {
  it('knows .env files, but not their committed samples', () => {
    for (const p of [
      '.env',
      '.env.local',
      '.env.production',
      'app/.env.development.local',
      'config/prod.env',
      '.envrc',
    ])
      assert.equal(isSecretFile(p), true, p);
    for (const p of ['.env.example', '.env.sample', '.env.template', '.env.dist', 'web/.env.local.example'])
      assert.equal(isSecretFile(p), false, p);
    for (const p of ['environment.ts', 'src/env.ts', '.envoy.yaml', 'dotenv.md'])
      assert.equal(isSecretFile(p), false, p);
  });

  it('knows private keys, certificates with keys and key stores, but not public keys', () => {
    for (const p of [
      'certs/server.pem',
      'config/master.key',
      'signing/release.p12',
      'client.pfx',
      'AuthKey_ABC.p8',
      'putty.ppk',
      'android/app/release.keystore',
      'java/trust.jks',
      '.ssh/id_rsa',
      'keys/id_ed25519',
      'id_ecdsa',
      'id_dsa',
      'id_ecdsa_sk',
      'home/.ssh/config',
      '.gnupg/private-keys-v1.d/x.key',
    ])
      assert.equal(isSecretFile(p), true, p);
    for (const p of ['id_rsa.pub', 'keys/id_ed25519.pub', 'src/keys.ts', 'keyboard.key.ts', 'monkey.txt'])
      assert.equal(isSecretFile(p), false, p);
  });

  it('knows credential files of package managers, git, web servers and cloud clients', () => {
    for (const p of [
      '.npmrc',
      'packages/a/.npmrc',
      '.yarnrc.yml',
      '.netrc',
      '_netrc',
      '.pypirc',
      '.pgpass',
      '.git-credentials',
      'public/.htpasswd',
      'credentials.json',
      'client_secret_1234.apps.googleusercontent.com.json',
      '.aws/credentials',
      'home/.docker/config.json',
      '.kube/config',
      'passwords.kdbx',
      'infra/terraform.tfstate',
      'infra/prod.tfvars',
      '.vault-token',
    ])
      assert.equal(isSecretFile(p), true, p);
    for (const p of ['.aws/config', 'config.json', 'docker/config.json', 'credentials.md', 'src/credentials.ts'])
      assert.equal(isSecretFile(p), false, p);
  });

  it('knows secrets.* data files, but not code about secrets', () => {
    for (const p of ['secrets.yaml', 'config/secrets.yml', 'secrets.dev.json', 'secret.txt', 'k8s/secrets.toml'])
      assert.equal(isSecretFile(p), true, p);
    for (const p of ['secrets.py', 'src/secrets.ts', 'secrets_test.go', 'docs/secrets.md', 'secretary.yaml'])
      assert.equal(isSecretFile(p), false, p);
  });

  it('compares names without case, takes \\ as a separator, and ignores ./', () => {
    for (const p of ['.ENV', 'Certs\\Server.PEM', '.AWS\\Credentials', './.Env.Local', 'ID_RSA', 'Secrets.YAML'])
      assert.equal(isSecretFile(p), true, p);
    for (const p of ['', '/', 'README.md', 'src/index.ts', 'package.json']) assert.equal(isSecretFile(p), false, p);
  });

  it('says why the user is asked', () => {
    assert.match(secretReason('.env'), /^\.env may hold secrets .*needs your Allow even when tools run without asking/);
  });
});
