// The getting-started walkthrough: when it opens by itself, and that package.json's steps match the milestones the
// extension reports, the commands it registers and the Markdown it ships.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MILESTONES, shouldOpenWalkthrough, WALKTHROUGH_ID } from '../../src/walkthrough/milestones';
import { repoRoot } from '../support/paths';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
  when?: string;
}
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  contributes: { walkthroughs: { id: string; title: string; steps: Step[] }[]; commands: { command: string }[] };
};

describe('walkthrough: when it opens by itself', () => {
  const first = { opened: false, testing: false, serverConfigured: false, keyStored: false };

  it('opens on the first start of a profile that has never set Arcee up', () => {
    assert.equal(shouldOpenWalkthrough(first), true);
  });

  it('never opens again once it has been the first start', () => {
    assert.equal(shouldOpenWalkthrough({ ...first, opened: true }), false);
  });

  it('stays closed in extension tests, and for a profile that already has a key or a server URL', () => {
    assert.equal(shouldOpenWalkthrough({ ...first, testing: true }), false);
    assert.equal(shouldOpenWalkthrough({ ...first, keyStored: true }), false);
    assert.equal(shouldOpenWalkthrough({ ...first, serverConfigured: true }), false);
  });
});

describe('walkthrough: package.json', () => {
  const walkthrough = manifest.contributes.walkthroughs.find(
    (w) => `${manifest.publisher}.${manifest.name}#${w.id}` === WALKTHROUGH_ID,
  );

  it('contributes the walkthrough the extension opens', () => {
    assert.ok(walkthrough, `no walkthrough with the id ${WALKTHROUGH_ID}`);
  });

  it('has one step per milestone, each completed only by its milestone context key (never by a click)', () => {
    const events = walkthrough!.steps.map((s) => s.completionEvents ?? []);
    for (const [i, list] of events.entries()) {
      assert.equal(list.length, 1, `step ${walkthrough!.steps[i].id} completes by ${list.join(', ') || 'nothing'}`);
      assert.doesNotMatch(list[0], /^onCommand:|^onStepSelected|^onLink:/);
    }
    assert.deepEqual(
      events.map((list) => list[0]),
      MILESTONES.map((m) => `onContext:arcee.walkthrough.${m}`),
    );
  });

  it("links only commands the extension contributes, and ships each step's Markdown", () => {
    const commands = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const step of walkthrough!.steps) {
      const linked = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
      assert.ok(linked.length > 0, `step ${step.id} has no button`);
      for (const command of linked)
        assert.ok(commands.has(command), `step ${step.id} links ${command}, which is not contributed`);
      assert.ok(
        step.media.markdown && fs.existsSync(path.join(repoRoot, step.media.markdown)),
        `step ${step.id}: ${step.media.markdown} is missing`,
      );
      assert.match(step.media.markdown ?? '', /^media\//, 'only media/ ships');
    }
  });
});
