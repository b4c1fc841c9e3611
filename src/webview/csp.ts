/**
 * The chat webview's Content Security Policy, one definition for the extension's webview and the test harness.
 * Scripts only by nonce; styles, fonts and images only from the extension (and `data:` images); nothing else.
 * Remote images are refused here too, not only by the sanitizer (which turns them into links): a reply must not
 * be able to carry data out in an image URL even if a sanitizer rule slips.
 */
export function chatCsp(source: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${source} data:`,
    `style-src ${source}`,
    `font-src ${source}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
