// Writes one report as `<name>.html` beside `<name>.md` (and `<name>.json` on request).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { ReportData } from './types.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderJson } from './json.js';

export interface ReportFiles {
  html: string;
  markdown: string;
  json?: string;
}

export function writeReportFiles(data: ReportData, htmlPath: string, options: { json?: boolean } = {}): ReportFiles {
  const dir = dirname(htmlPath);
  const stem = basename(htmlPath, extname(htmlPath));
  const html = extname(htmlPath) ? htmlPath : `${htmlPath}.html`;
  const files: ReportFiles = { html, markdown: join(dir, `${stem}.md`) };
  mkdirSync(dir, { recursive: true });
  writeFileSync(files.html, renderHtml(data));
  writeFileSync(files.markdown, renderMarkdown(data, basename(html)));
  if (options.json) {
    files.json = join(dir, `${stem}.json`);
    writeFileSync(files.json, renderJson(data));
  }
  return files;
}
