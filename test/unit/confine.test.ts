import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { confine, isInside, outsideReason, realRoots, whereInside } from '../../src/tools/confine';

describe('workspace tools: real paths stay inside the workspace', () => {
  describe('isInside / whereInside (pure)', () => {
    const cs = { caseInsensitive: false };
    const ci = { caseInsensitive: true };

    it('a path below a root, or the root itself, is inside; its relative path has / separators', () => {
      assert.equal(isInside('/ws/src/a.ts', ['/ws'], cs), true);
      assert.equal(isInside('/ws', ['/ws'], cs), true);
      assert.equal(isInside('/ws/', ['/ws'], cs), true);
      assert.equal(isInside('/ws/a', ['/ws/'], cs), true);
      assert.deepEqual(whereInside('/ws/src/a.ts', ['/ws'], cs), { root: 0, relative: 'src/a.ts' });
      assert.deepEqual(whereInside('/ws', ['/ws'], cs), { root: 0, relative: '' });
    });

    it('a root is not a string prefix: /ws-other and /wsx are not inside /ws', () => {
      assert.equal(isInside('/ws-other/secret.txt', ['/ws'], cs), false);
      assert.equal(isInside('/wsx', ['/ws'], cs), false);
      assert.equal(isInside('/w', ['/ws'], cs), false);
      assert.equal(isInside('/', ['/ws'], cs), false);
    });

    it('finds the folder of a multi-root workspace, first match first, and skips unresolved ("") roots', () => {
      const roots = ['', '/a/one', '/b/two'];
      assert.deepEqual(whereInside('/b/two/x/y.ts', roots, cs), { root: 2, relative: 'x/y.ts' });
      assert.equal(whereInside('/c/x', roots, cs), undefined);
      assert.equal(isInside('/anything', [''], cs), false, 'an empty root holds nothing');
    });

    it('treats \\ as a separator (Windows paths) and keeps a drive root whole', () => {
      assert.deepEqual(whereInside('C:\\ws\\src\\a.ts', ['C:\\ws'], cs), { root: 0, relative: 'src/a.ts' });
      assert.equal(isInside('C:\\ws-other\\a.ts', ['C:\\ws'], cs), false);
      assert.deepEqual(whereInside('C:\\a.ts', ['C:\\'], cs), { root: 0, relative: 'a.ts' });
      assert.deepEqual(whereInside('/a.ts', ['/'], cs), { root: 0, relative: 'a.ts' });
    });

    it('compares without case only when asked (macOS and Windows file systems)', () => {
      assert.equal(isInside('/Users/Me/WS/a.ts', ['/users/me/ws'], cs), false);
      assert.deepEqual(whereInside('/Users/Me/WS/a.ts', ['/users/me/ws'], ci), { root: 0, relative: 'a.ts' });
      assert.deepEqual(whereInside('c:\\WS\\Src\\A.ts', ['C:/ws'], ci), { root: 0, relative: 'Src/A.ts' });
      assert.equal(isInside('/Users/Me/WS-other/a.ts', ['/users/me/ws'], ci), false);
    });

    it('the refusal names the path the model gave, never where the link leads', () => {
      const reason = outsideReason('vendor/notes/secret.txt');
      assert.match(reason, /^"vendor\/notes\/secret\.txt" .*outside the workspace; only files inside/);
    });
  });

  describe('confine, on real symbolic links', () => {
    let base: string;
    let ws: string;
    let roots: string[];
    const cs = { caseInsensitive: false };

    before(async () => {
      base = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-confine-'));
      ws = path.join(base, 'ws');
      const outside = path.join(base, 'outside');
      fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
      fs.mkdirSync(path.join(ws, 'lib'), { recursive: true });
      fs.mkdirSync(path.join(ws, 'vendor'), { recursive: true });
      fs.mkdirSync(path.join(outside, 'inner'), { recursive: true });
      fs.mkdirSync(path.join(base, 'ws-other'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'a\n');
      fs.writeFileSync(path.join(ws, 'lib', 'real.ts'), 'real\n');
      fs.writeFileSync(path.join(ws, 'secret.txt'), 'decoy inside\n');
      fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside canary\n');
      fs.writeFileSync(path.join(base, 'ws-other', 'b.ts'), 'b\n');
      // A link inside to a file inside, a folder link out, a file link out, a link to a sibling whose name
      // starts like the workspace's, a link that leads nowhere, and the workspace reached through a link.
      fs.symlinkSync(path.join('..', 'lib', 'real.ts'), path.join(ws, 'src', 'link.ts'));
      fs.symlinkSync(path.join('..', '..', 'outside'), path.join(ws, 'vendor', 'notes'), 'dir');
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'notes.txt'));
      fs.symlinkSync(path.join(base, 'ws-other'), path.join(ws, 'other'), 'dir');
      fs.symlinkSync(path.join(ws, 'missing.ts'), path.join(ws, 'dangling.ts'));
      fs.symlinkSync(path.join(outside, 'inner'), path.join(ws, 'escape'), 'dir');
      fs.symlinkSync(ws, path.join(base, 'wslink'), 'dir');
      roots = await realRoots([ws]);
    });
    after(() => fs.rmSync(base, { recursive: true, force: true }));

    it('a plain file inside is inside, at its own path', async () => {
      assert.deepEqual(await confine(path.join(ws, 'src', 'a.ts'), roots, cs), {
        inside: true,
        root: 0,
        relative: 'src/a.ts',
        realPath: path.join(roots[0], 'src', 'a.ts'),
      });
    });

    it('a link inside to a file inside is inside, at the real file’s path', async () => {
      const c = await confine(path.join(ws, 'src', 'link.ts'), roots, cs);
      assert.equal(c.inside, true);
      assert.equal(c.inside && c.relative, 'lib/real.ts');
    });

    it('a file under a folder link out, or a file link out, is outside', async () => {
      assert.deepEqual(await confine(path.join(ws, 'vendor', 'notes', 'secret.txt'), roots, cs), {
        inside: false,
        reason: 'outside',
      });
      assert.deepEqual(await confine(path.join(ws, 'notes.txt'), roots, cs), { inside: false, reason: 'outside' });
    });

    it('a link to a sibling folder whose name starts with the workspace’s (ws-other) is outside', async () => {
      assert.deepEqual(await confine(path.join(ws, 'other', 'b.ts'), roots, cs), { inside: false, reason: 'outside' });
    });

    it('".." after a link is resolved on disk, not by the text: escape/../secret.txt is outside', async () => {
      // Read as text, ws/escape/../secret.txt would be ws/secret.txt (which exists, as a decoy); on disk the
      // ".." leaves outside/inner for outside/, so the file is outside/secret.txt.
      const tricky = `${path.join(ws, 'escape')}${path.sep}..${path.sep}secret.txt`;
      assert.equal(fs.readFileSync(tricky, 'utf8'), 'outside canary\n', 'the system reads the outside file');
      assert.deepEqual(await confine(tricky, roots, cs), { inside: false, reason: 'outside' });
    });

    it('a link to nothing has no real path', async () => {
      assert.deepEqual(await confine(path.join(ws, 'dangling.ts'), roots, cs), { inside: false, reason: 'unresolved' });
    });

    it('a workspace opened through a link is compared by its real path', async () => {
      const viaLink = await realRoots([path.join(base, 'wslink'), path.join(base, 'gone')]);
      assert.deepEqual(viaLink, [roots[0], ''], 'the link resolves; a folder that is gone gets ""');
      const c = await confine(path.join(base, 'wslink', 'src', 'a.ts'), viaLink, cs);
      assert.equal(c.inside && c.relative, 'src/a.ts');
      assert.deepEqual(await confine(path.join(base, 'wslink', 'vendor', 'notes', 'secret.txt'), viaLink, cs), {
        inside: false,
        reason: 'outside',
      });
    });
  });
});
