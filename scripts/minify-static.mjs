// Minifies the site's CSS and HTML in place (dist/), for the first-estimate payload's 100 KB gzipped budget:
// CSS loses its comments and the whitespace around braces, semicolons and commas (never around ':', which
// separates a descendant from a pseudo-class); HTML loses comments and whitespace-only runs between tags.
// web/ keeps the readable sources. Usage: node scripts/minify-static.mjs FILE...
import fs from 'node:fs';

const css = (text) => text
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s+/g, ' ')
  .replace(/\s*([{};,>])\s*/g, '$1')
  .replace(/;}/g, '}')
  .trim();

const html = (text) => text
  .replace(/<!--(?!\s*\[)[\s\S]*?-->/g, '')
  .replace(/>\s+</g, '><')
  .replace(/\n\s+/g, '\n');

for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, file.endsWith('.css') ? css(text) : html(text));
}
