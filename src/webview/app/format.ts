/** Text the chat shows for numbers, times and attachments. Pure: unit-tested without a browser. */
import type { ContextChip, UsageView } from '../protocol';

const int = new Intl.NumberFormat('en-US');

/** "1,234 → 567 tokens · $0.0012"; empty when there is nothing to say. */
export function formatUsage(u: UsageView | undefined): string {
  if (!u) return '';
  const parts: string[] = [];
  if (u.promptTokens !== undefined || u.completionTokens !== undefined) {
    const tokens = `${int.format(u.promptTokens ?? 0)} → ${int.format(u.completionTokens ?? 0)} tokens`;
    parts.push(u.reasoningTokens ? `${tokens} (${int.format(u.reasoningTokens)} reasoning)` : tokens);
  }
  if (u.costUsd !== undefined) parts.push(formatCost(u.costUsd));
  return parts.join(' · ');
}

/** Dollars: cents for a dollar or more, four decimals below (a chat answer usually costs fractions of a cent). */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.0001) return `$${usd.toFixed(4)}`;
  return `<$0.0001`;
}

/** "$12.50 credits", or empty when the balance is unknown. */
export function formatCredits(credits: number | null): string {
  if (credits === null || !Number.isFinite(credits)) return '';
  return `$${credits.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} credits`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hours = Math.round(m / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return new Date(then).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The file name of a workspace path. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** "main.ts:3-9" (or ":3" for one line). */
export function chipLabel(c: ContextChip): string {
  const lines = c.startLine === c.endLine ? `${c.startLine}` : `${c.startLine}-${c.endLine}`;
  return `${baseName(c.path)}:${lines}`;
}

let counter = 0;

/** A request id unique within this webview and across re-creations of it. */
export function newRequestId(): string {
  counter += 1;
  const random = Math.floor(Math.random() * 0x100000000).toString(36);
  return `req-${Date.now().toString(36)}-${counter.toString(36)}-${random}`;
}
