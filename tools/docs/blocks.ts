// Markdown -> the fenced blocks the doc test checks, classified by their info string. Pure functions only.
// The conventions are written down for authors at the top of docs/README.md.

/** Charts a values block can name (`chart=<dir>`): directories under charts/ with values. */
export const VALUES_CHARTS = ['takhin', 'broker', 'console', 'monitoring'] as const;
export type ValuesChart = (typeof VALUES_CHARTS)[number];

export type Block =
  | { kind: 'values'; chart: ValuesChart; base?: string; id?: string }
  | { kind: 'manifest' }
  | { kind: 'takhin-config'; from: string }
  | { kind: 'shell' }
  | { kind: 'untested' };

export interface Fence {
  /** Repository-relative file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string after the fence characters, trimmed. */
  info: string;
  body: string;
  /** Reason given by a `<!-- doc-test: skip — reason -->` marker on the line above, if any. */
  skip?: string;
}

export type ClassifiedFence = Fence & { block: Block };

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export const where = (p: { file: string; line: number }) => `${p.file}:${p.line}`;

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const MARKER = /^\s*<!--\s*doc-test:(.*?)-->\s*$/;
const SKIP = /^\s*skip\b\s*(?:[—–:-]\s*)?(.*?)\s*$/;
/** The line that closes a fence opened with `chars`: the same character, at least as many times. */
const closingFence = (chars: string) => new RegExp(`^\\s*${chars[0] === '`' ? '`' : '~'}{${chars.length},}\\s*$`);
const SHELL_LANGUAGES = ['sh', 'bash', 'shell'];
const YAML_LANGUAGES = ['yaml', 'yml'];
const YAML_KINDS = ['values', 'manifest', 'takhin-config'];

/** Every fenced code block of a Markdown file, with the skip marker on the line above it. */
export function extractFences(markdown: string, file: string): { fences: Fence[]; problems: Problem[] } {
  const lines = markdown.split('\n');
  const fences: Fence[] = [];
  const problems: Problem[] = [];
  let pendingSkip: { line: number; reason: string } | undefined;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const marker = MARKER.exec(text);
    if (marker) {
      if (pendingSkip) problems.push({ file, line: pendingSkip.line, message: 'doc-test skip marker is not directly followed by a fenced block' });
      pendingSkip = undefined;
      const skip = SKIP.exec(marker[1] ?? '');
      if (!skip) problems.push({ file, line: i + 1, message: `unknown doc-test directive "${(marker[1] ?? '').trim()}": the only one is "doc-test: skip — <reason>"` });
      else if (!skip[1]) problems.push({ file, line: i + 1, message: 'doc-test skip marker without a reason: write "<!-- doc-test: skip — <why this block cannot be tested> -->"' });
      else pendingSkip = { line: i + 1, reason: skip[1] };
      continue;
    }
    const open = FENCE.exec(text);
    if (!open) {
      if (pendingSkip && text.trim() !== '') {
        problems.push({ file, line: pendingSkip.line, message: 'doc-test skip marker is not directly followed by a fenced block' });
        pendingSkip = undefined;
      }
      continue;
    }
    const indent = open[1]?.length ?? 0;
    const fenceChars = open[2] ?? '```';
    const info = (open[3] ?? '').trim();
    const close = closingFence(fenceChars);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j] ?? '')) {
      // Content of a fence inside a list item is indented like its fence.
      const line = lines[j] ?? '';
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
      j++;
    }
    if (j >= lines.length) problems.push({ file, line: i + 1, message: 'fenced block is never closed' });
    fences.push({ file, line: i + 1, info, body: body.join('\n') + (body.length ? '\n' : ''), ...(pendingSkip ? { skip: pendingSkip.reason } : {}) });
    pendingSkip = undefined;
    i = j;
  }
  if (pendingSkip) problems.push({ file, line: pendingSkip.line, message: 'doc-test skip marker is not directly followed by a fenced block' });
  return { fences, problems };
}

/** Splits `yaml values chart=broker base=dev` into the language, bare words and key=value attributes. */
export function parseInfo(info: string): { language: string; words: string[]; attrs: Record<string, string> } {
  const [language = '', ...rest] = info.split(/\s+/).filter(Boolean);
  const words: string[] = [];
  const attrs: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq > 0) attrs[item.slice(0, eq)] = item.slice(eq + 1).replace(/^["']|["']$/g, '');
    else words.push(item);
  }
  return { language: language.toLowerCase(), words, attrs };
}

/** What a fence declares itself to be, or the reason its declaration is not acceptable. */
export function classify(fence: Fence): Block | { error: string } {
  const { language, words, attrs } = parseInfo(fence.info);
  if (SHELL_LANGUAGES.includes(language)) return { kind: 'shell' };
  if (!YAML_LANGUAGES.includes(language)) return { kind: 'untested' };

  const kinds = words.filter((w) => YAML_KINDS.includes(w));
  const unknownWords = words.filter((w) => !YAML_KINDS.includes(w));
  if (kinds.length !== 1) {
    return { error: `a ${language} block must say what it is: "${language} values chart=<${VALUES_CHARTS.join('|')}>", "${language} manifest" or "${language} takhin-config from=<id>" (info string was "${fence.info}")` };
  }
  if (unknownWords.length) return { error: `unknown word(s) ${unknownWords.map((w) => `"${w}"`).join(', ')} in the info string "${fence.info}"` };
  const kind = kinds[0];
  const allowed = kind === 'values' ? ['chart', 'base', 'id'] : kind === 'takhin-config' ? ['from'] : [];
  const unknownAttrs = Object.keys(attrs).filter((a) => !allowed.includes(a));
  if (unknownAttrs.length) return { error: `unknown attribute(s) ${unknownAttrs.join(', ')} for a ${kind} block (allowed: ${allowed.join(', ') || 'none'})` };

  if (kind === 'manifest') return { kind: 'manifest' };
  if (kind === 'takhin-config') {
    if (!attrs.from) return { error: 'a takhin-config block needs from=<id of a values block in the same file>' };
    return { kind: 'takhin-config', from: attrs.from };
  }
  const chart = attrs.chart;
  if (!chart || !(VALUES_CHARTS as readonly string[]).includes(chart)) {
    return { error: `a values block needs chart=<${VALUES_CHARTS.join('|')}> (got ${chart ? `"${chart}"` : 'none'})` };
  }
  if (attrs.base && chart !== 'takhin') return { error: 'base=<preset> names a values-examples/ preset, which only the takhin umbrella chart takes' };
  return { kind: 'values', chart: chart as ValuesChart, ...(attrs.base ? { base: attrs.base } : {}), ...(attrs.id ? { id: attrs.id } : {}) };
}

/** Fences of one file, classified; unacceptable declarations and broken references become problems. */
export function classifyFences(fences: Fence[]): { blocks: ClassifiedFence[]; problems: Problem[] } {
  const blocks: ClassifiedFence[] = [];
  const problems: Problem[] = [];
  for (const fence of fences) {
    const block = classify(fence);
    if ('error' in block) {
      // A skipped block may be of any kind, but it must still be marked: the skip is the declaration.
      if (fence.skip) blocks.push({ ...fence, block: { kind: 'untested' } });
      else problems.push({ file: fence.file, line: fence.line, message: block.error });
      continue;
    }
    if (fence.skip && block.kind === 'untested') {
      problems.push({ file: fence.file, line: fence.line, message: `skip marker on a "${fence.info || 'plain'}" block, which is never tested: remove the marker` });
    }
    blocks.push({ ...fence, block });
  }
  const ids = new Map<string, ClassifiedFence>();
  for (const b of blocks) {
    if (b.block.kind !== 'values' || !b.block.id) continue;
    const seen = ids.get(b.block.id);
    if (seen) problems.push({ file: b.file, line: b.line, message: `values block id "${b.block.id}" is already used at line ${seen.line}` });
    else ids.set(b.block.id, b);
  }
  for (const b of blocks) {
    if (b.block.kind !== 'takhin-config' || b.skip) continue;
    const source = ids.get(b.block.from);
    if (!source) problems.push({ file: b.file, line: b.line, message: `takhin-config block refers to from=${b.block.from}, but no values block in this file has id=${b.block.from}` });
    else if (source.skip) problems.push({ file: b.file, line: b.line, message: `takhin-config block refers to values block ${b.block.from}, which is skipped` });
    else if (source.block.kind === 'values' && (source.block.chart === 'console' || source.block.chart === 'monitoring')) {
      problems.push({ file: b.file, line: b.line, message: `takhin-config block refers to a ${source.block.chart} values block: only broker and takhin charts render takhin.yaml` });
    }
  }
  return { blocks, problems };
}

/** Lines of a Markdown file outside fenced blocks, with their 1-based numbers. */
export function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let close: RegExp | undefined;
  markdown.split('\n').forEach((text, index) => {
    if (close) {
      if (close.test(text)) close = undefined;
      return;
    }
    const open = FENCE.exec(text);
    if (open) {
      close = closingFence(open[2] ?? '```');
      return;
    }
    out.push({ line: index + 1, text });
  });
  return out;
}

/** Every relative link target of a Markdown file (outside code), with its line. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const withoutCode = text.replace(/(`+)[\s\S]*?\1/g, '');
    for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      out.push({ line, target });
    }
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Headings of a Markdown file: level, text and line. */
function headings(markdown: string): { level: number; text: string; line: number }[] {
  return proseLines(markdown).flatMap(({ line, text }) => {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(text);
    return m ? [{ level: m[1]?.length ?? 1, text: m[2] ?? '', line }] : [];
  });
}

/** Anchors of every heading in a Markdown file (duplicates get -1, -2 as on GitHub). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const { text } of headings(markdown)) {
    const slug = headingSlug(text);
    const n = counts.get(slug) ?? 0;
    counts.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}
