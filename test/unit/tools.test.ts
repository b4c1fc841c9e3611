import * as assert from 'node:assert/strict';
import {
  compileQuery,
  describeToolCall,
  formatDiagnostics,
  LIMITS,
  looksBinary,
  numberedLines,
  parseToolArgs,
  safeRelativePath,
  searchLines,
  TOOL_DEFINITIONS,
  TOOL_NAMES,
  truncateResult,
} from '../../src/tools/definitions';

describe('workspace tools: definitions and pure text work', () => {
  it('defines four read-only tools, each with an object schema and a description', () => {
    assert.deepEqual([...TOOL_NAMES].sort(), ['get_diagnostics', 'list_files', 'read_file', 'search_text']);
    for (const t of TOOL_DEFINITIONS) {
      assert.equal(t.type, 'function');
      assert.equal(t.function.parameters?.type, 'object', t.function.name);
      assert.ok((t.function.description ?? '').length > 20, t.function.name);
    }
  });

  describe('parseToolArgs', () => {
    it('reads each tool’s arguments', () => {
      assert.deepEqual(parseToolArgs('read_file', '{"path":"src/a.ts","startLine":3,"endLine":9}'), {
        name: 'read_file',
        path: 'src/a.ts',
        startLine: 3,
        endLine: 9,
      });
      assert.deepEqual(parseToolArgs('list_files', '{}'), {
        name: 'list_files',
        glob: undefined,
        maxResults: undefined,
      });
      assert.deepEqual(
        parseToolArgs('list_files', ''),
        { name: 'list_files', glob: undefined, maxResults: undefined },
        'empty arguments are {}',
      );
      assert.deepEqual(parseToolArgs('search_text', '{"query":"foo","glob":"**/*.ts","maxResults":5}'), {
        name: 'search_text',
        query: 'foo',
        isRegex: false,
        glob: '**/*.ts',
        maxResults: 5,
      });
      assert.deepEqual(parseToolArgs('get_diagnostics', '{"path":null}'), { name: 'get_diagnostics', path: undefined });
    });

    it('accepts numbers sent as strings and caps counts at the limits', () => {
      assert.deepEqual(parseToolArgs('read_file', '{"path":"a","startLine":"12"}'), {
        name: 'read_file',
        path: 'a',
        startLine: 12,
        endLine: undefined,
      });
      assert.equal(
        (parseToolArgs('list_files', '{"maxResults":100000}') as { maxResults: number }).maxResults,
        LIMITS.listFiles,
      );
    });

    it('says what is wrong, in words the model can act on', () => {
      const cases: [string, string, RegExp][] = [
        ['write_file', '{}', /no tool named "write_file".*read_file/],
        ['read_file', '{"path":', /not valid JSON/],
        ['read_file', '[1]', /JSON object/],
        ['read_file', '{}', /"path" is required/],
        ['read_file', '{"path":"a","startLine":0}', /"startLine" must be a whole number ≥ 1/],
        ['read_file', '{"path":"a","startLine":5,"endLine":2}', /"endLine" is before "startLine"/],
        ['read_file', '{"path":42}', /"path" must be a string/],
        ['search_text', '{"query":"(", "isRegex":true}', /not a valid regular expression/],
        ['search_text', '{"query":""}', /"query" is required/],
      ];
      for (const [name, json, re] of cases) assert.throws(() => parseToolArgs(name, json), re, `${name} ${json}`);
    });
  });

  it('describes a call in the words the user approves', () => {
    assert.equal(describeToolCall('read_file', '{"path":"src/a.ts"}'), 'Read src/a.ts');
    assert.equal(describeToolCall('read_file', '{"path":"src/a.ts","startLine":10}'), 'Read src/a.ts, lines 10–end');
    assert.equal(describeToolCall('list_files', '{"glob":"**/*.md"}'), 'List files matching **/*.md');
    assert.equal(describeToolCall('search_text', '{"query":"TODO","glob":"src/**"}'), 'Search for "TODO" in src/**');
    assert.equal(describeToolCall('search_text', '{"query":"a+b","isRegex":true}'), 'Search for /a+b/');
    assert.equal(describeToolCall('get_diagnostics', '{}'), 'Get problems in the workspace');
    assert.equal(describeToolCall('read_file', '{"path":'), 'read_file (with arguments it cannot use)');
  });

  it('keeps paths inside the workspace', () => {
    assert.equal(safeRelativePath('./src//a.ts'), 'src/a.ts');
    assert.equal(safeRelativePath('src\\win\\b.ts'), 'src/win/b.ts');
    for (const bad of [
      '../secret',
      'src/../../x',
      '/etc/passwd',
      'C:/Windows/x',
      'file:///etc/passwd',
      '~/.ssh/id_rsa',
      '  ',
      '.',
      './',
    ]) {
      assert.throws(() => safeRelativePath(bad), /workspace|empty|path/, bad);
    }
  });

  describe('numberedLines', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

    it('numbers the asked lines, padded to one width', () => {
      assert.equal(numberedLines('a\r\nb\r\nc\n', 2, 3), '2  b\n3  c');
      assert.equal(numberedLines(text, 8, 10), ' 8  line 8\n 9  line 9\n10  line 10');
    });

    it(`stops at ${LIMITS.readLines} lines and says how to read on`, () => {
      const out = numberedLines(text);
      const lines = out.split('\n');
      assert.equal(lines.length, LIMITS.readLines + 1);
      assert.match(lines.at(-1)!, /1000 lines in all; ask for startLine 401/);
    });

    it('says when the start is past the end', () => {
      assert.equal(numberedLines('x\ny\n', 5), '(the file has 2 lines; line 5 is past its end)');
    });
  });

  it('searches literally (case-insensitive) unless asked for a regex', () => {
    const text = 'const a = 1;\nfoo(a.b)\nFOO(A.B)\nfooXab\n';
    assert.deepEqual(
      searchLines(text, compileQuery('foo(a.b)', false), 10).map((m) => m.line),
      [2, 3],
    );
    assert.deepEqual(
      searchLines(text, compileQuery('^foo.a', true), 10).map((m) => m.line),
      [2, 4],
    );
    assert.equal(searchLines(text, compileQuery('a', false), 2).length, 2, 'stops at max');
  });

  it('cuts a long matching line around the match', () => {
    const line = `${'x'.repeat(500)}NEEDLE${'y'.repeat(500)}`;
    const [m] = searchLines(line, compileQuery('needle', false), 1);
    assert.ok(m.text.length < 210, String(m.text.length));
    assert.match(m.text, /^…x+NEEDLEy+…$/);
  });

  it('tells binary from text and truncates long results at a line break', () => {
    assert.equal(looksBinary(new Uint8Array([0x50, 0x4b, 0x00, 0x01])), true);
    assert.equal(looksBinary(new TextEncoder().encode('plain text ✓')), false);
    const long = Array.from({ length: 100 }, (_, i) => `row ${i}`).join('\n');
    const cut = truncateResult(long, 200);
    assert.match(cut, /\n… \(cut: \d+ more characters\)$/);
    assert.ok(
      cut
        .split('\n')
        .slice(0, -1)
        .every((l) => /^row \d+$/.test(l)),
      'cut at a line break',
    );
    assert.equal(truncateResult('short', 200), 'short');
  });

  describe('formatDiagnostics', () => {
    const d = (line: number, severity: 'error' | 'warning', message: string, source?: string) => ({
      line,
      column: 1,
      severity,
      message,
      source,
    });

    it('one line per problem while they fit', () => {
      assert.equal(
        formatDiagnostics([
          { path: 'a.ts', items: [d(2, 'warning', 'Unused', 'lint'), d(5, 'error', 'Bad')] },
          { path: 'empty.ts', items: [] },
        ]),
        'a.ts:2:1: warning: Unused [lint]\na.ts:5:1: error: Bad',
      );
      assert.equal(formatDiagnostics([]), '');
    });

    it(`past ${LIMITS.diagnostics}, every file is counted first, then the first problems with errors first`, () => {
      const many = Array.from({ length: LIMITS.diagnostics + 50 }, (_, i) => d(i + 1, 'warning', `w${i}`));
      const out = formatDiagnostics([
        { path: 'noisy.ts', items: many },
        { path: 'z/quiet.ts', items: [d(7, 'error', 'The one error')] },
      ]);
      const lines = out.split('\n');
      assert.deepEqual(lines.slice(0, 3), [
        `${LIMITS.diagnostics + 51} problems in 2 files:`,
        `noisy.ts: ${LIMITS.diagnostics + 50} warnings`,
        'z/quiet.ts: 1 error',
      ]);
      assert.match(lines[4], /errors first/);
      assert.equal(lines[5], 'z/quiet.ts:7:1: error: The one error', 'the error leads the details');
      assert.equal(lines.length, 5 + LIMITS.diagnostics);
    });
  });
});
