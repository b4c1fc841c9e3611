// An extension as installed in an extensions folder: the files its `.vscodeignore` allowlist ships, copied under
// `<publisher>.<name>-<version>`. How the e2e suites load the working tree on builds that ignore the URL payload.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The files a `.vscodeignore` allowlist ships (`**` first, then `!path` or `!dir/**` lines), relative to `root`.
 * Refuses other shapes rather than guess: vsce's own matching is richer.
 */
export function shippedFiles(root: string): string[] {
  const lines = fs
    .readFileSync(path.join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines[0] !== '**') throw new Error('.vscodeignore is not an allowlist (its first rule is not **)');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  for (const rule of lines.slice(1)) {
    const match = /^!([\w./-]+?)(\/\*\*)?$/.exec(rule);
    if (!match) throw new Error(`.vscodeignore rule ${rule} is not one this harness reads`);
    if (match[2]) walk(match[1]);
    else if (fs.existsSync(path.join(root, match[1]))) files.push(match[1]);
  }
  return files;
}

/** `<extensionsDir>/<publisher>.<name>-<version>`: where an install puts the extension at `root`. */
export function installedFolder(root: string, extensionsDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  return path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
}

/** Copies an extension's shipped files into its installed folder, as an install would. */
export function installUnpacked(root: string, extensionsDir: string): void {
  const target = installedFolder(root, extensionsDir);
  for (const file of shippedFiles(root)) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(target, file));
  }
}
