// The VSIX users install, as `npm run package` built it (the `test:package` script builds it right before this
// suite): what ships, what the stores read from its manifest, and that nothing in it needs a file it lacks.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { shippedFiles } from '../support/extensionFolder';
import { repoRoot } from '../support/paths';
import { imageTargets, pngSize, readVsix } from './vsix';

const VSIX = path.join(repoRoot, 'dist', 'arcee-vscode.vsix');
const MAX_BYTES = 600 * 1024;

/** vsce's names inside the package for the files it renames. */
const PACKAGED_NAME: Record<string, string> = {
  'README.md': 'readme.md',
  'CHANGELOG.md': 'changelog.md',
  LICENSE: 'LICENSE.txt',
};

/** The files git tracks: what the repository's raw URLs serve once pushed. */
function trackedFiles(): Set<string> {
  return new Set(execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean));
}

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  description: string;
  icon?: string;
  repository?: { url?: string } | string;
  bugs?: { url?: string };
  homepage?: string;
  galleryBanner?: { color?: string; theme?: string };
  main: string;
}

describe('the packaged VSIX', () => {
  let files: Map<string, Buffer>;
  let manifest: Manifest;
  const text = (name: string): string => {
    const bytes = files.get(`extension/${name}`);
    assert.ok(bytes, `the VSIX has no extension/${name}`);
    return bytes.toString('utf8');
  };

  before(async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run \`npm run package\``);
    files = await readVsix(VSIX);
    manifest = JSON.parse(text('package.json')) as Manifest;
  });

  it(`is at most ${MAX_BYTES / 1024} KB`, () => {
    const size = fs.statSync(VSIX).size;
    assert.ok(size <= MAX_BYTES, `the VSIX is ${Math.round(size / 1024)} KB`);
  });

  it("ships exactly the .vscodeignore allowlist (what the e2e suites' unpacked installs copy)", () => {
    const expected = shippedFiles(repoRoot)
      .map((file) => `extension/${PACKAGED_NAME[file] ?? file}`)
      .sort();
    const actual = [...files.keys()].filter((name) => name.startsWith('extension/')).sort();
    assert.deepEqual(actual, expected);
    for (const needed of [
      'extension/dist/extension.js',
      'extension/dist/webview.js',
      'extension/dist/searchWorker.js',
      'extension/media/chat.css',
    ]) {
      assert.ok(files.has(needed), `${needed} is not shipped`);
    }
    assert.ok(
      ![...files.keys()].some((name) => /\.(map|ts)$|node_modules|test-artifacts|\.cache/.test(name)),
      'sources, maps or caches are shipped',
    );
  });

  it('has a PNG icon of at least 128×128 from the package', () => {
    assert.ok(manifest.icon, 'package.json has no icon');
    assert.match(manifest.icon, /\.png$/);
    const icon = files.get(`extension/${manifest.icon}`);
    assert.ok(icon, `the icon ${manifest.icon} is not in the VSIX`);
    const { width, height } = pngSize(icon);
    assert.ok(width >= 128 && height >= 128 && width === height, `the icon is ${width}×${height}`);
    const vsixManifest = files.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    assert.match(
      vsixManifest,
      new RegExp(`Microsoft\\.VisualStudio\\.Services\\.Icons\\.Default" Path="extension/${manifest.icon}"`),
    );
  });

  it('names its repository, issue tracker, home page and gallery banner, as the stores show them', () => {
    const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
    assert.match(repository ?? '', /^https:\/\/\S+$/);
    assert.match(manifest.bugs?.url ?? '', /^https:\/\/\S+$/);
    assert.match(manifest.homepage ?? '', /^https:\/\/\S+$/);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(manifest.galleryBanner?.theme === 'dark' || manifest.galleryBanner?.theme === 'light');
    const vsixManifest = files.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    assert.ok(
      vsixManifest.includes(
        `Id="Microsoft.VisualStudio.Services.Branding.Color" Value="${manifest.galleryBanner?.color}"`,
      ),
      'the banner colour is not in the VSIX manifest',
    );
    assert.ok(
      vsixManifest.includes('Microsoft.VisualStudio.Services.Links.Source'),
      'the repository link is not in the VSIX manifest',
    );
  });

  it('has a short description that says what it does', () => {
    assert.ok(
      manifest.description.length >= 40 && manifest.description.length <= 200,
      `${manifest.description.length} characters`,
    );
    assert.match(manifest.description, /\bchat\b/i);
    assert.match(manifest.description, /OpenAI-compatible/);
  });

  it("links the README's images where the stores and VS Code can load them: HTTPS files of the repository", () => {
    // VS Code's extension page leaves relative image links unresolved (they load nothing), and vsce refuses
    // data: URLs; so vsce rewrites them to the repository's files, which these must be.
    const repository = (
      typeof manifest.repository === 'string' ? manifest.repository : (manifest.repository?.url ?? '')
    ).replace(/\.git$/, '');
    const targets = imageTargets(text('readme.md'));
    assert.ok(targets.length >= 2, `the README has ${targets.length} images`);
    for (const target of targets) {
      assert.ok(target.startsWith(`${repository}/raw/HEAD/`), `${target} is not a file of ${repository}`);
      const file = target.slice(`${repository}/raw/HEAD/`.length);
      assert.match(file, /\.png$/, `${target}: the stores refuse SVG images`);
      pngSize(fs.readFileSync(path.join(repoRoot, file)));
      assert.ok(trackedFiles().has(file), `${file} is not committed, so the link would not resolve`);
    }
  });

  it('needs nothing at run time that it does not ship: the bundles require only Node built-ins, vscode and each other', () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    for (const bundle of ['dist/extension.js', 'dist/searchWorker.js']) {
      const required = [...text(bundle).matchAll(/\brequire\((["'`])([^"'`]+)\1\)/g)].map((m) => m[2]);
      assert.ok(required.length > 0, `found no require() in ${bundle}`);
      for (const name of required) {
        if (builtins.has(name) || name === 'vscode') continue;
        assert.ok(
          name.startsWith('./') && files.has(`extension/dist/${name.slice(2)}`),
          `${bundle} requires ${name}, which the VSIX does not ship`,
        );
      }
    }
    assert.equal(manifest.main, './dist/extension.js');
  });
});
