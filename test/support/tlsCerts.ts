/**
 * Certificates for TLS tests, made with the openssl command (a Debian package the setup installs) in a temporary
 * folder: a private CA and leaves for 127.0.0.1 and localhost that are good, expired, self-signed or for another
 * host name. EC P-256 keys, so the whole set takes a fraction of a second.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A certificate and its key, as PEM text, and the certificate's file. */
export interface KeyPair {
  key: string;
  cert: string;
  certFile: string;
}

export interface TestCertificates {
  dir: string;
  /** The private CA's certificate file: what NODE_EXTRA_CA_CERTS names. */
  caFile: string;
  /** Signed by the CA, for localhost and 127.0.0.1, valid now. */
  good: KeyPair;
  /** Signed by the CA, for localhost and 127.0.0.1, valid only in January 2020. */
  expired: KeyPair;
  /** Signed by its own key, for localhost and 127.0.0.1. */
  selfSigned: KeyPair;
  /** Signed by the CA, valid now, for other.example only. */
  otherHost: KeyPair;
  /** Deletes the folder. */
  remove(): void;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const LOCAL_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';
const LEAF = ['-addext', 'basicConstraints=CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth'];

/** Makes the CA and the four leaves. */
export function makeTestCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-pki-'));
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  };
  // Our own minimal config, so the machine's openssl.cnf adds no extensions of its own.
  fs.writeFileSync(file('req.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n');
  const pair = (name: string): KeyPair => ({
    key: fs.readFileSync(file(`${name}.key`), 'utf8'),
    cert: fs.readFileSync(file(`${name}.pem`), 'utf8'),
    certFile: file(`${name}.pem`),
  });
  const req = ['req', '-config', 'req.cnf', ...EC_KEY];

  openssl(
    ...[...req, '-x509', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3'],
    '-subj',
    '/CN=Arcee Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const signedByCa = (name: string, names: string): KeyPair => {
    openssl(
      ...req,
      '-x509',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      '/CN=arcee-test',
      '-addext',
      names,
      ...LEAF,
    );
    return pair(name);
  };
  const good = signedByCa('good', LOCAL_NAMES);
  const otherHost = signedByCa('other', 'subjectAltName=DNS:other.example');
  openssl(
    ...req,
    '-x509',
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    LOCAL_NAMES,
  );
  const selfSigned = pair('self');

  // `openssl x509` on OpenSSL 3.0 has no way to date a certificate in the past; `openssl ca` has -startdate/-enddate.
  fs.mkdirSync(file('issued'));
  fs.writeFileSync(file('index.txt'), '');
  fs.writeFileSync(file('serial'), '1000\n');
  fs.writeFileSync(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${file('issued')}`,
      `serial = ${file('serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    ...req,
    '-new',
    '-keyout',
    'expired.key',
    '-out',
    'expired.csr',
    '-subj',
    '/CN=arcee-test',
    '-addext',
    LOCAL_NAMES,
  );
  openssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.pem',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
    '-notext',
  );
  const expired = pair('expired');

  return {
    dir,
    caFile: file('ca.pem'),
    good,
    expired,
    selfSigned,
    otherHost,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
