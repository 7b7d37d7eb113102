// The doc test: every fenced block of README.md and docs/*.md that declares a kind is checked against the charts and
// the pinned tools, and the pages link where they should. Conventions for authors: docs/README.md.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { kubeconform } from '../check/kubeconform.ts';
import type { Summary } from '../check/summary.ts';
import { PRESET_API_VERSIONS } from '../render/cases.ts';
import { helm, helmTemplate, pool } from '../render/helm.ts';
import { CHARTS_DIR, PRESETS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import { type Block, type ClassifiedFence, classifyFences, extractFences, headingAnchors, type Problem, proseLines, relativeLinks, where } from './blocks.ts';
import { checkHelmArgs, checkKubectlArgs, type Help, parseHelp } from './cli-args.ts';
import { shellCommands } from './shell.ts';

export type Log = (line: string) => void;

export interface DocFile {
  /** Repository-relative path. */
  path: string;
  text: string;
}

export interface BlockResult {
  file: string;
  line: number;
  kind: Exclude<Block['kind'], 'untested'>;
  problems: string[];
}

export interface DocsReport {
  results: BlockResult[];
  skipped: { file: string; line: number; info: string; reason: string }[];
  problems: Problem[];
}

/** Pages the issue asks for: each must exist and be linked from README.md. */
export const REQUIRED_PAGES = [
  'docs/README.md',
  'docs/install.md',
  'docs/presets.md',
  'docs/configuration.md',
  'docs/networking.md',
  'docs/operations.md',
  'docs/security.md',
  'docs/monitoring.md',
  'docs/runbooks/README.md',
  'docs/troubleshooting.md',
  'docs/upgrading.md',
  'docs/console.md',
];

/** The pages the doc test reads: README.md and every docs/*.md. */
export function docFiles(root = REPO_ROOT): DocFile[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

export interface Repository {
  exists(path: string): boolean;
  read(path: string): string | undefined;
  /** Chart name -> version, from every charts/<dir>/Chart.yaml. */
  charts: Map<string, string>;
}

export function repository(root = REPO_ROOT): Repository {
  const charts = new Map<string, string>();
  for (const dir of readdirSync(join(root, 'charts'))) {
    const file = join(root, 'charts', dir, 'Chart.yaml');
    if (!existsSync(file)) continue;
    const meta = YAML.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
    charts.set(meta.name, meta.version);
  }
  return {
    exists: (path) => existsSync(join(root, path)),
    read: (path) => (existsSync(join(root, path)) && statSync(join(root, path)).isFile() ? readFileSync(join(root, path), 'utf8') : undefined),
    charts,
  };
}

/** A relative link of `file` as a repository path and an optional anchor. */
function resolveLink(file: DocFile, target: string): { path: string; anchor?: string } {
  const [path = '', anchor] = target.split('#');
  return { path: path ? normalize(join(dirname(file.path), path)) : file.path, ...(anchor ? { anchor } : {}) };
}

/** Structure of the documentation: required pages present and linked, links resolvable, upgrade-note headings valid. */
export function checkStructure(files: DocFile[], repo: Repository): Problem[] {
  const problems: Problem[] = [];
  const linkedFrom = (path: string) => {
    const file = files.find((f) => f.path === path);
    return new Set(file ? relativeLinks(file.text).map((l) => resolveLink(file, l.target).path) : []);
  };

  const fromReadme = linkedFrom('README.md');
  for (const page of REQUIRED_PAGES) {
    if (!repo.exists(page)) problems.push({ file: page, line: 1, message: `required page ${page} does not exist` });
    if (!fromReadme.has(page)) problems.push({ file: 'README.md', line: 1, message: `README.md does not link ${page}` });
  }
  const fromIndex = linkedFrom('docs/README.md');
  for (const f of files) {
    if (f.path.startsWith('docs/') && f.path !== 'docs/README.md' && !fromIndex.has(f.path)) {
      problems.push({ file: 'docs/README.md', line: 1, message: `the docs index does not link ${f.path}` });
    }
  }

  for (const file of files) {
    for (const link of relativeLinks(file.text)) {
      const { path, anchor } = resolveLink(file, link.target);
      if (path.startsWith('..') || !repo.exists(path)) {
        problems.push({ file: file.path, line: link.line, message: `link to ${link.target}: ${path} does not exist` });
      } else if (anchor && path.endsWith('.md') && !headingAnchors(repo.read(path) ?? '').has(anchor)) {
        problems.push({ file: file.path, line: link.line, message: `link to ${link.target}: ${path} has no heading with anchor #${anchor}` });
      }
    }
  }

  const upgrading = files.find((f) => f.path === 'docs/upgrading.md');
  if (upgrading) problems.push(...checkUpgradeHeadings(upgrading, repo.charts));
  return problems;
}

/**
 * Version headings of docs/upgrading.md (`## <chart> <version>`) must name a chart of this repository and a version
 * not above its current one. The upgrade-safety gate (tools/check/upgrade.ts) matches them on raw lines, code blocks
 * included, so a real version in an example block would count as an upgrade note: that is refused too.
 */
export function checkUpgradeHeadings(file: DocFile, charts: Map<string, string>): Problem[] {
  const problems: Problem[] = [];
  const prose = new Set(proseLines(file.text).map((l) => l.line));
  file.text.split('\n').forEach((text, index) => {
    const m = /^#{2,3} (\S+) (\d+\.\d+\.\d+(?:-[\w.]+)?)\b/.exec(text);
    if (!m) return;
    const [, chart = '', version = ''] = m;
    const line = index + 1;
    const current = charts.get(chart);
    if (!prose.has(line)) problems.push({ file: file.path, line, message: `"${text}" inside a code block counts as an upgrade note for the upgrade gate: write a placeholder version in examples` });
    else if (!current) problems.push({ file: file.path, line, message: `upgrade note "${text}" names no chart of this repository (charts: ${[...charts.keys()].join(', ')})` });
    else if (compareVersions(version, current) > 0) problems.push({ file: file.path, line, message: `upgrade note "${text}" is for a version above ${chart}'s current ${current}` });
  });
  return problems;
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (v.split('-')[0] ?? '').split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** helm `--help` of the pinned Helm 4, one run per command path. */
function helmHelp(): (path: string[]) => Promise<Help> {
  const cache = new Map<string, Promise<Help>>();
  return (path) => {
    const key = path.join(' ');
    let help = cache.get(key);
    if (!help) {
      help = helm('helm', [...path, '--help']).then((r) => {
        if (!r.ok) throw new Error(`helm ${key} --help failed: ${r.stderr}`);
        return parseHelp(r.stdout, path);
      });
      cache.set(key, help);
    }
    return help;
  };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'takhin-docs-'));

/** YAML parse errors of a block, with line numbers in the Markdown file. */
function yamlProblems(block: ClassifiedFence): { docs: unknown[]; problems: string[] } {
  const parsed = YAML.parseAllDocuments(block.body);
  const problems = parsed.flatMap((d) => d.errors.map((e) => `invalid YAML at line ${block.line + (e.linePos?.[0]?.line ?? 1)}: ${e.message.split('\n')[0]}`));
  return { docs: parsed.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined), problems };
}

/** Renders the block's chart with it (over its base preset) for every Kubernetes version; returns one render's manifests. */
async function checkValues(block: ClassifiedFence & { block: { kind: 'values' } }, dir: string): Promise<{ problems: string[]; manifests?: string }> {
  const { docs, problems } = yamlProblems(block);
  if (problems.length) return { problems };
  if (docs.length !== 1 || typeof docs[0] !== 'object' || Array.isArray(docs[0])) return { problems: ['a values block must be one YAML mapping'] };
  const base = block.block.base && join(PRESETS_DIR, `${block.block.base}.yaml`);
  if (base && !existsSync(base)) return { problems: [`base=${block.block.base}: no values-examples/${block.block.base}.yaml`] };
  const file = join(dir, `values-${block.file.replace(/\W/g, '_')}-${block.line}.yaml`);
  writeFileSync(file, block.body);
  const valuesFiles = base ? [base, file] : [file];
  const chartDir = join(CHARTS_DIR, block.block.chart);
  let manifests: string | undefined;
  for (const kubeVersion of KUBE_VERSIONS) {
    const result = await helmTemplate({ chartDir, valuesFiles }, { kubeVersion, apiVersions: PRESET_API_VERSIONS });
    if (!result.ok) return { problems: [`helm template charts/${block.block.chart} @${kubeVersion} failed: ${result.stderr.trim().split('\n').slice(-8).join(' ')}`] };
    const kc = await kubeconform(result.stdout, kubeVersion);
    if (!kc.ok) return { problems: [`kubeconform strict @${kubeVersion} on the rendered chart: ${kc.findings.map((f) => `${f.object}: ${f.msg}`).join('; ') || 'failed'}`] };
    manifests ??= result.stdout;
  }
  return { problems: [], ...(manifests ? { manifests } : {}) };
}

async function checkManifest(block: ClassifiedFence): Promise<string[]> {
  const { docs, problems } = yamlProblems(block);
  if (problems.length) return problems;
  if (docs.length === 0) return ['a manifest block holds no object'];
  for (const kubeVersion of KUBE_VERSIONS) {
    const kc = await kubeconform(block.body, kubeVersion);
    if (!kc.ok) return [`kubeconform strict @${kubeVersion}: ${kc.findings.map((f) => `${f.object}: ${f.msg}`).join('; ') || 'failed'}`];
    if (kc.resources !== docs.length) return [`kubeconform saw ${kc.resources} object(s), the block holds ${docs.length}`];
  }
  return [];
}

/** Where `excerpt` differs from `actual`: every key it names must be there with the same value. */
export function configDifferences(excerpt: unknown, actual: unknown, path = ''): string[] {
  if (excerpt !== null && typeof excerpt === 'object' && !Array.isArray(excerpt)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path || '(top)'}: the chart renders ${JSON.stringify(actual)}, not a mapping`];
    return Object.entries(excerpt).flatMap(([key, value]) => {
      const at = path ? `${path} > ${key}` : key;
      if (!(key in actual)) return [`${at}: not in the rendered takhin.yaml`];
      return configDifferences(value, (actual as Record<string, unknown>)[key], at);
    });
  }
  return JSON.stringify(excerpt) === JSON.stringify(actual) ? [] : [`${path}: the page says ${JSON.stringify(excerpt)}, the chart renders ${JSON.stringify(actual)}`];
}

function checkTakhinConfig(block: ClassifiedFence, manifests: string | undefined): string[] {
  const { docs, problems } = yamlProblems(block);
  if (problems.length) return problems;
  if (!manifests) return ['its values block did not render'];
  const configMaps = YAML.parseAllDocuments(manifests).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> } | null);
  const takhinYaml = configMaps.find((d) => d?.kind === 'ConfigMap' && typeof d.data?.['takhin.yaml'] === 'string')?.data?.['takhin.yaml'];
  if (!takhinYaml) return ['the values block renders no ConfigMap with takhin.yaml'];
  return configDifferences(docs[0], YAML.parse(takhinYaml));
}

async function checkShell(block: ClassifiedFence, help: (path: string[]) => Promise<Help>): Promise<string[]> {
  const syntax = await promisify(execFile)('bash', ['-n', '-c', block.body]).then(
    () => [],
    (error: { stderr?: string }) => [`bash -n: ${(error.stderr ?? '').trim()}`],
  );
  const problems: string[] = [...syntax];
  for (const argv of shellCommands(block.body)) {
    if (argv[0] === 'helm') problems.push(...(await checkHelmArgs(argv, help)).map((p) => `${p} in: ${argv.join(' ')}`));
    if (argv[0] === 'kubectl') problems.push(...checkKubectlArgs(argv).map((p) => `${p} in: ${argv.join(' ')}`));
  }
  return problems;
}

export interface BlockReport {
  results: BlockResult[];
  skipped: DocsReport['skipped'];
  /** Unacceptable declarations: unmarked YAML, skip markers without a reason, dangling references. */
  problems: Problem[];
}

/** Checks every fenced block of the given pages: declarations first, then each tested block. */
export async function checkBlocks(files: DocFile[], log: Log = () => {}): Promise<BlockReport> {
  const problems: Problem[] = [];
  const blocks: ClassifiedFence[] = [];
  for (const file of files) {
    const extracted = extractFences(file.text, file.path);
    const classified = classifyFences(extracted.fences);
    problems.push(...extracted.problems, ...classified.problems);
    blocks.push(...classified.blocks);
  }
  const skipped = blocks.filter((b) => b.skip).map((b) => ({ file: b.file, line: b.line, info: b.info, reason: b.skip ?? '' }));
  const tested = blocks.filter((b) => !b.skip && b.block.kind !== 'untested');
  const dir = scratch();
  const help = helmHelp();
  const renders = new Map<string, string | undefined>();
  let done = 0;

  const run = async (b: ClassifiedFence): Promise<BlockResult> => {
    let blockProblems: string[] = [];
    if (b.block.kind === 'values') {
      const { problems: p, manifests } = await checkValues(b as ClassifiedFence & { block: { kind: 'values' } }, dir);
      if (b.block.id) renders.set(`${b.file}#${b.block.id}`, manifests);
      blockProblems = p;
    } else if (b.block.kind === 'manifest') blockProblems = await checkManifest(b);
    else if (b.block.kind === 'shell') blockProblems = await checkShell(b, help);
    else if (b.block.kind === 'takhin-config') blockProblems = checkTakhinConfig(b, renders.get(`${b.file}#${b.block.from}`));
    done++;
    if (done % 10 === 0 || done === tested.length) log(`  docs: ${done}/${tested.length} blocks`);
    return { file: b.file, line: b.line, kind: b.block.kind as BlockResult['kind'], problems: blockProblems };
  };
  // takhin-config blocks read what their values block rendered, so they run last.
  const results = [
    ...(await pool(tested.filter((b) => b.block.kind !== 'takhin-config'), 2, run)),
    ...(await pool(tested.filter((b) => b.block.kind === 'takhin-config'), 2, run)),
  ];
  return { results, skipped, problems };
}

/** The whole doc test over README.md and docs/*.md. */
export async function checkAllDocs(log: Log = () => {}, root = REPO_ROOT): Promise<DocsReport> {
  const files = docFiles(root);
  const blocks = await checkBlocks(files, log);
  return { ...blocks, problems: [...blocks.problems, ...checkStructure(files, repository(root))] };
}

/** One check per tested block and one failed check per problem, in the 'docs' row and column. */
export function recordDocs(summary: Summary, report: DocsReport): void {
  for (const r of report.results) summary.record('docs', 'docs', r.problems.length === 0, `${where(r)} (${r.kind} block): ${r.problems.join('; ')}`);
  for (const p of report.problems) summary.record('docs', 'docs', false, `${where(p)}: ${p.message}`);
  // The check must not pass by testing nothing: every kind of block is exercised somewhere in the docs.
  const counts = countByKind(report);
  for (const kind of ['values', 'manifest', 'shell', 'takhin-config']) summary.record('docs', 'docs', (counts[kind] ?? 0) > 0, `no ${kind} block was tested anywhere in the docs`);
  for (const s of report.skipped) summary.skip('docs', 'docs', `${where(s)} (${s.info}): ${s.reason}`);
}

export function countByKind(report: Pick<DocsReport, 'results'>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of report.results) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

/** The doc test for the check pipeline: records into the 'docs' column, row 'docs', and logs every skipped block. */
export async function checkDocs(summary: Summary, log: Log): Promise<DocsReport> {
  const report = await checkAllDocs(log);
  recordDocs(summary, report);
  const counts = Object.entries(countByKind(report)).map(([k, n]) => `${n} ${k}`).join(', ');
  log(`  docs: ${counts || 'no'} blocks tested, ${report.skipped.length} skipped`);
  for (const s of report.skipped) log(`    skipped ${where(s)} (${s.info}): ${s.reason}`);
  return report;
}
