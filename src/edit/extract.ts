/**
 * A model's reply → the code to apply. Reasoning (`<think>…</think>`), code fences and the prose around them
 * are stripped. With fenced blocks the largest one wins (the last of equals); a reply without fences is taken
 * whole. Works on a partial reply too (an unclosed fence runs to the end), so a preview can stream.
 */

export interface ExtractedCode {
  code: string;
  /** The code came from a fenced block. */
  fenced: boolean;
  /** That block's closing fence arrived (always true for unfenced replies). */
  closed: boolean;
  /** The block's info string (language tag), if any. */
  language: string;
}

interface Block {
  language: string;
  body: string[];
  closed: boolean;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;

/** Removes reasoning: a `<think>` block anywhere, an unclosed one at the start, or all before a lone `</think>`. */
export function stripReasoning(reply: string): string {
  let s = reply.replace(/<think>[\s\S]*?<\/think>/g, '');
  const open = s.indexOf('<think>');
  if (open !== -1 && s.slice(0, open).trim() === '') return '';
  const close = s.indexOf('</think>');
  if (close !== -1) s = s.slice(close + '</think>'.length);
  return s;
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let open: { fence: string; block: Block } | undefined;
  for (const line of lines) {
    if (open) {
      const t = line.trim();
      if (t.length >= open.fence.length && t === open.fence[0].repeat(t.length) && line.search(/\S/) <= 3) {
        open.block.closed = true;
        open = undefined;
      } else {
        open.block.body.push(line);
      }
      continue;
    }
    const m = OPEN.exec(line);
    if (m) {
      const block: Block = { language: m[2], body: [], closed: false };
      blocks.push(block);
      open = { fence: m[1], block };
    }
  }
  return blocks;
}

function trimBlankLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

/** The code of a (possibly partial) reply, with `\n` line endings. */
export function extractCode(reply: string): ExtractedCode {
  const text = stripReasoning(reply).replace(/\r\n?/g, '\n');
  const blocks = parseBlocks(text.split('\n'));
  if (blocks.length === 0) {
    return { code: trimBlankLines(text.split('\n')).join('\n'), fenced: false, closed: true, language: '' };
  }
  let best = blocks[0];
  for (const b of blocks) if (b.body.join('\n').length >= best.body.join('\n').length) best = b;
  // Leading blank lines are the model's; trailing ones are dropped too (the re-basing restores the end).
  return { code: trimBlankLines(best.body).join('\n'), fenced: true, closed: best.closed, language: best.language };
}
