/**
 * Which files may hold secrets (keys, passwords, tokens), by name and place. The workspace tools read such a file
 * only in a call the user allowed for it, even when they run without asking, and never search its text.
 * Pure and vscode-free.
 */

/**
 * The last part of a committed sample of a `.env` file (`.env.example`, `.env.local.sample`): samples list the
 * names with placeholders, and the model needs them to know the configuration, so they are not secret.
 */
const ENV_SAMPLE_ENDINGS: ReadonlySet<string> = new Set(['example', 'sample', 'template', 'dist']);

/** File names (lower case) that hold credentials by convention. */
const SECRET_NAMES: ReadonlySet<string> = new Set([
  '.envrc',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.netrc',
  '_netrc',
  '.pypirc',
  '.pgpass',
  '.git-credentials',
  '.htpasswd',
  '.vault-token',
  '.s3cfg',
  '.boto',
  'credentials.json',
  'credentials.xml',
  'terraform.tfstate',
  'terraform.tfstate.backup',
]);

/** Endings of key stores, private keys and certificates with their keys, password databases, Terraform variables. */
const SECRET_EXTENSIONS = [
  '.env',
  '.pem',
  '.key',
  '.p12',
  '.pfx',
  '.p8',
  '.ppk',
  '.keystore',
  '.jks',
  '.kdbx',
  '.kdb',
  '.tfvars',
  '.tfstate',
];

/** A file in one of these folders is a secret: `.ssh/config` names hosts and keys, `.gnupg` holds keys. */
const SECRET_FOLDERS: ReadonlySet<string> = new Set(['.ssh', '.gnupg']);

/** A name in a given folder: `.aws/credentials`, `.docker/config.json`, `.kube/config`. */
const SECRET_IN_FOLDER: readonly [folder: string, name: string][] = [
  ['.aws', 'credentials'],
  ['.docker', 'config.json'],
  ['.kube', 'config'],
  ['.azure', 'accesstokens.json'],
  ['gcloud', 'credentials.db'],
  ['gcloud', 'application_default_credentials.json'],
];

/**
 * True for a file that by its name or place usually holds credentials: `.env` and `.env.*` (but not the
 * committed samples `.env.example`, `.env.sample`, `.env.template`, `.env.dist`, nor `.env.local.example`
 * and the like), `*.env`, private keys and
 * key stores (`*.pem`, `*.key`, `*.p12`, `*.pfx`, `*.keystore`, `*.jks`, `id_rsa`, `id_ed25519`, …; not their
 * `.pub` halves), password databases, `.npmrc`, `.netrc`, `.pypirc`, `.git-credentials`, `.htpasswd`,
 * `credentials.json`, `secrets.*`, Terraform state and variables, and the credentials of the AWS, Docker and
 * Kubernetes clients. Names compare without case; `\` counts as a separator. The tools read such a file only
 * with the user's Allow for that call.
 */
export function isSecretFile(path: string): boolean {
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.')
    .map((s) => s.toLowerCase());
  const name = parts.at(-1);
  if (!name) return false;
  const folder = parts.at(-2);
  if (parts.slice(0, -1).some((p) => SECRET_FOLDERS.has(p))) return true;
  if (folder && SECRET_IN_FOLDER.some(([f, n]) => f === folder && n === name)) return true;
  if (SECRET_NAMES.has(name)) return true;
  if (name === '.env' || (name.startsWith('.env.') && !ENV_SAMPLE_ENDINGS.has(name.split('.').at(-1) ?? '')))
    return true;
  if (/^id_(rsa|dsa|ecdsa|ed25519)/.test(name) && !name.endsWith('.pub')) return true;
  // secrets.yaml, secrets.dev.json, but not secrets.ts or secrets_test.go: code about secrets is not one.
  if (/^secrets?(\.[\w-]+)*\.(ya?ml|json|toml|ini|env|txt|conf|cfg|properties|xml)$/.test(name)) return true;
  if (/^client_secret.*\.json$/.test(name)) return true;
  return SECRET_EXTENSIONS.some((ext) => name.endsWith(ext) && name.length > ext.length);
}

/** Why a call on `path` waits for the user's Allow even when tools run without asking. */
export function secretReason(path: string): string {
  return `${path} may hold secrets (keys, passwords, tokens), so this call needs your Allow even when tools run without asking.`;
}
