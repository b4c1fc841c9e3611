import * as assert from 'node:assert/strict';
import { DEFAULT_BASE_URL } from '../../src/config/settings';
import { chooseBaseUrl, settingValue, USER_ONLY_SETTINGS, type Inspected } from '../../src/config/trust';
import { isSameOrigin, keyOrigin, originHost } from '../../src/providers/origin';

describe('keyOrigin: the server a key belongs to', () => {
  const same: [string, string][] = [
    ['https://api.arcee.ai/api/v1', 'https://api.arcee.ai'],
    ['https://api.arcee.ai/api/v1/', 'https://api.arcee.ai'],
    ['  https://API.Arcee.ai:443/v1/chat/completions  ', 'https://api.arcee.ai'],
    ['http://127.0.0.1:80/v1', 'http://127.0.0.1'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/v1?x=1#frag', 'http://127.0.0.1:8080'],
    ['http://[::1]:11434/v1', 'http://[::1]:11434'],
    ['http://[0:0:0:0:0:0:0:1]:11434/v1', 'http://[::1]:11434'],
    ['https://[2001:DB8::1]/v1', 'https://[2001:db8::1]'],
  ];
  for (const [url, origin] of same) {
    it(`${url.trim()} → ${origin}`, () => assert.equal(keyOrigin(url), origin));
  }

  it('keeps apart what a browser keeps apart: localhost and 127.0.0.1, ports, http and https, subdomains', () => {
    const origins = [
      'http://localhost:8080/v1',
      'http://127.0.0.1:8080/v1',
      'http://127.0.0.1:8081/v1',
      'https://127.0.0.1:8080/v1',
      'https://api.arcee.ai/v1',
      'https://evil.api.arcee.ai/v1',
      'https://api.arcee.ai.evil.example/v1',
    ].map(keyOrigin);
    assert.equal(new Set(origins).size, origins.length, origins.join(', '));
  });

  it('refuses a user name or password in the URL, and anything but http(s)', () => {
    assert.throws(() => keyOrigin('https://user:pass@api.arcee.ai/v1'), /user name or password/);
    assert.throws(() => keyOrigin('https://token@api.arcee.ai/v1'), /user name or password/);
    assert.throws(() => keyOrigin('file:///etc/passwd'), /http:\/\/ or https:\/\//);
    assert.throws(() => keyOrigin('not a url'));
  });

  it('isSameOrigin compares a request URL with a key origin', () => {
    assert.equal(isSameOrigin('https://api.arcee.ai/api/v1/models', 'https://api.arcee.ai'), true);
    assert.equal(isSameOrigin('https://api.arcee.ai:443/x', 'https://api.arcee.ai'), true);
    assert.equal(isSameOrigin('http://api.arcee.ai/x', 'https://api.arcee.ai'), false);
    assert.equal(isSameOrigin('https://user@api.arcee.ai/x', 'https://api.arcee.ai'), false);
    assert.equal(isSameOrigin('garbage', 'https://api.arcee.ai'), false);
  });

  it('originHost names the server in sentences', () => {
    assert.equal(originHost('https://api.arcee.ai'), 'api.arcee.ai');
    assert.equal(originHost('http://127.0.0.1:8080'), '127.0.0.1:8080');
  });
});

describe('settingValue: where a value comes from decides whether it applies', () => {
  const ws: Inspected = { defaultValue: false, globalValue: undefined, workspaceValue: true };

  it('with no workspace value, VS Code merged value is used as it is', () => {
    assert.deepEqual(settingValue('temperature', { defaultValue: undefined, globalValue: 0.3 }, 0.3, true), {
      value: 0.3,
    });
    assert.deepEqual(settingValue('chatTools.autoApprove', { defaultValue: false, globalValue: true }, true, false), {
      value: true,
    });
  });

  it('a trusted workspace may set an ordinary setting', () => {
    assert.deepEqual(settingValue('temperature', { globalValue: 0.3, workspaceValue: 0.9 }, 0.9, true), {
      value: 0.9,
    });
  });

  it('a workspace never sets a user-only setting, trusted or not: the user value or the default applies', () => {
    for (const key of USER_ONLY_SETTINGS) {
      assert.deepEqual(settingValue(key, ws, true, true), { value: false, ignored: 'user-only' }, key);
    }
    assert.deepEqual(
      settingValue(
        'extraHeaders',
        { defaultValue: {}, globalValue: { 'X-Mine': '1' }, workspaceValue: { 'X-Evil': '1' } },
        {
          'X-Evil': '1',
        },
        true,
      ),
      { value: { 'X-Mine': '1' }, ignored: 'user-only' },
    );
  });

  it('a folder value counts as the workspace too', () => {
    assert.deepEqual(
      settingValue('completions.enabled', { defaultValue: false, workspaceFolderValue: true }, true, true),
      { value: false, ignored: 'user-only' },
    );
  });

  it('in Restricted Mode no workspace value applies', () => {
    assert.deepEqual(settingValue('model', { defaultValue: 'trinity-mini', workspaceValue: 'other' }, 'other', false), {
      value: 'trinity-mini',
      ignored: 'untrusted',
    });
  });

  it('lists exactly the settings that widen what runs or where data goes', () => {
    assert.deepEqual([...USER_ONLY_SETTINGS].sort(), [
      'chatTools.autoApprove',
      'completions.enabled',
      'completions.maxRequestsPerMinute',
      'extraBody',
      'extraHeaders',
    ]);
  });
});

describe("chooseBaseUrl: the user's server unless the user says otherwise", () => {
  const mine = 'http://127.0.0.1:7001/v1';
  const theirs = 'http://127.0.0.1:7002/v1';
  const none = (): undefined => undefined;

  it("the default when nothing is set, the user's value when set", () => {
    assert.deepEqual(chooseBaseUrl({ defaultValue: DEFAULT_BASE_URL }, true, none), {
      baseUrl: DEFAULT_BASE_URL,
      userBaseUrl: DEFAULT_BASE_URL,
    });
    assert.deepEqual(chooseBaseUrl({ globalValue: ` ${mine} ` }, true, none), { baseUrl: mine, userBaseUrl: mine });
  });

  it('a workspace server on another origin waits for the answer, and the decision is asked by origin', () => {
    const asked: string[] = [];
    const choice = chooseBaseUrl({ globalValue: mine, workspaceValue: theirs }, true, (o) => {
      asked.push(o);
      return undefined;
    });
    assert.deepEqual(asked, ['http://127.0.0.1:7002']);
    assert.deepEqual(choice, {
      baseUrl: mine,
      userBaseUrl: mine,
      workspace: { baseUrl: theirs, origin: 'http://127.0.0.1:7002', decision: undefined },
    });
  });

  it('"Use it" sends to the workspace server; "Keep my server" does not', () => {
    assert.equal(chooseBaseUrl({ globalValue: mine, workspaceValue: theirs }, true, () => 'use').baseUrl, theirs);
    assert.equal(chooseBaseUrl({ globalValue: mine, workspaceValue: theirs }, true, () => 'keep').baseUrl, mine);
  });

  it('against the default server too (nothing in user settings)', () => {
    const choice = chooseBaseUrl({ defaultValue: DEFAULT_BASE_URL, workspaceValue: theirs }, true, none);
    assert.equal(choice.baseUrl, DEFAULT_BASE_URL);
    assert.equal(choice.workspace?.origin, 'http://127.0.0.1:7002');
  });

  it('a workspace value on the same origin applies without asking (another path on the same server)', () => {
    const decide = (): never => assert.fail('asked about the same origin');
    assert.deepEqual(
      chooseBaseUrl({ globalValue: mine, workspaceValue: 'http://127.0.0.1:7001/api/v1' }, true, decide),
      {
        baseUrl: 'http://127.0.0.1:7001/api/v1',
        userBaseUrl: mine,
      },
    );
  });

  it('localhost is not 127.0.0.1: asked about', () => {
    assert.ok(chooseBaseUrl({ globalValue: mine, workspaceValue: 'http://localhost:7001/v1' }, true, none).workspace);
  });

  it('ignored in Restricted Mode, and when it is not a usable URL (a user name in it, another scheme)', () => {
    for (const [value, trusted] of [
      [theirs, false],
      ['http://me:pw@127.0.0.1:7002/v1', true],
      ['file:///etc', true],
      ['', true],
      [42, true],
    ] as [unknown, boolean][]) {
      assert.deepEqual(chooseBaseUrl({ globalValue: mine, workspaceValue: value }, trusted, none), {
        baseUrl: mine,
        userBaseUrl: mine,
      });
    }
  });

  it('an unusable user value is passed on (settings.ts names it and falls back)', () => {
    assert.equal(chooseBaseUrl({ globalValue: 'nonsense' }, true, none).baseUrl, 'nonsense');
  });
});
