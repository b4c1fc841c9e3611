// Renders the extension's store icon, media/icon.png (256×256), from the mark in media/arcee.svg: the mark in
// white on the brand colour, in headless Chromium. Run by hand when the mark changes (`node scripts/icon.mjs`);
// the PNG is committed, so packaging needs no browser.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BRAND = '#1b2440';
const SIZE = 256;

const mark = fs.readFileSync(path.join(root, 'media/arcee.svg'), 'utf8').replace('currentColor', '#ffffff');
const html = `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:${SIZE}px;height:${SIZE}px;border-radius:${SIZE * 0.18}px;background:${BRAND};display:flex;align-items:center;justify-content:center">
${mark.replace('width="24" height="24"', `width="${SIZE * 0.68}" height="${SIZE * 0.68}"`)}
</div></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
  await page.setContent(html);
  await page.screenshot({
    path: path.join(root, 'media/icon.png'),
    omitBackground: true,
    clip: { x: 0, y: 0, width: SIZE, height: SIZE },
  });
} finally {
  await browser.close();
}
console.log('media/icon.png written');
