// The bad-input gate. A user installs with plain `helm`, so the chart itself must refuse invalid values: every file
// under tools/test/fixtures/values/bad/<chart-dir>/ must make `helm template` fail, with Helm 4 and with Helm 3.18.4
// (the last release on the old schema engine), and the error must contain the fragments the file's header declares.
// Every file under good/<chart-dir>/ sits next to a family of bad ones and must render: proof the rule is not
// over-strict.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { chartInfo } from '../render/cases.ts';
import { helmTemplate, pool, type HelmVersion } from '../render/helm.ts';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import type { Summary } from './summary.ts';

export const COLUMN = 'bad input';
export const FIXTURES_DIR = join(REPO_ROOT, 'tools', 'test', 'fixtures', 'values');
export const MIN_BAD_FIXTURES = 40;
/** Row for findings about the corpus as a whole rather than one chart. */
export const CORPUS_ROW = 'tooling';

export const HELM_VERSIONS: readonly HelmVersion[] = ['helm', 'helm3'];
/** Rendered for one supported Kubernetes version: Helm 3 defaults to v1.20, which every chart's kubeVersion refuses. */
const KUBE_VERSION: string = KUBE_VERSIONS[KUBE_VERSIONS.length - 1] ?? KUBE_VERSIONS[0];
const ENGINE: Record<HelmVersion, string> = { helm: 'Helm 4', helm3: 'Helm 3.18.4' };

/** A fixture's file name starts with its family: `<family>-<what>.yaml` (bad) or `<family>[-<what>].yaml` (good). */
export const FAMILIES = ['type', 'enum', 'range', 'pattern', 'unknown', 'required', 'validate'] as const;
export type Family = (typeof FAMILIES)[number];

/**
 * Announced to helm per chart directory: with the Prometheus Operator API present the monitoring templates render
 * their ServiceMonitor and PrometheusRule, so a good fixture proves those paths accept it too.
 */
const API_VERSIONS: Record<string, string[]> = {
  monitoring: ['monitoring.coreos.com/v1'],
  takhin: ['monitoring.coreos.com/v1'],
};

export interface Expectations {
  /** `# why:` what rule the file exercises. */
  why: string | undefined;
  /** `# expect:` fragments that must appear in both engines' errors. */
  both: string[];
  /** `# expect-helm3:` / `# expect-helm4:` fragments worded differently by one engine. */
  helm3: string[];
  helm4: string[];
  /** What is wrong with the header itself. */
  problems: string[];
}

const DIRECTIVE = /^#\s*([A-Za-z0-9-]+):\s?(.*)$/;

/** Reads the leading comment block of a fixture. Unknown `# key:` directives are errors (a typo would drop a check). */
export function parseExpectations(text: string): Expectations {
  const e: Expectations = { why: undefined, both: [], helm3: [], helm4: [], problems: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const m = DIRECTIVE.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    if (key !== 'why' && value === '') {
      e.problems.push(`"# ${key}:" has no fragment`);
      continue;
    }
    switch (key) {
      case 'why':
        e.why = value;
        break;
      case 'expect':
        e.both.push(value);
        break;
      case 'expect-helm3':
        e.helm3.push(value);
        break;
      case 'expect-helm4':
        e.helm4.push(value);
        break;
      default:
        e.problems.push(`unknown header directive "# ${m[1]}:" (known: why, expect, expect-helm3, expect-helm4)`);
    }
  }
  return e;
}

/** Every fragment that must appear in the given engine's error output. */
export function expectedFragments(e: Expectations, helm: HelmVersion): string[] {
  return [...e.both, ...(helm === 'helm3' ? e.helm3 : e.helm4)];
}

export function missingFragments(output: string, fragments: string[]): string[] {
  return fragments.filter((f) => !output.includes(f));
}

/** The lines of a helm error that say what is wrong (schema and validateValues lines start with "- "). */
export function errorLines(stderr: string): string[] {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const items = lines.filter((l) => l.startsWith('- '));
  return items.length > 0 ? items : lines.slice(0, 1);
}

export function firstErrorLine(stderr: string): string {
  return errorLines(stderr)[0] ?? '(no output)';
}

export interface Fixture {
  kind: 'bad' | 'good';
  /** Absolute path. */
  file: string;
  /** Absolute chart directory, from the fixture's folder name. */
  chartDir: string;
  /** Summary row: the chart's name from Chart.yaml. */
  row: string;
  /** From the file name; undefined when the name starts with no known family. */
  family: Family | undefined;
  apiVersions: string[];
}

export interface Finding {
  row: string;
  detail: string;
}

function displayPath(file: string): string {
  const rel = relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

export function familyOf(fileName: string): Family | undefined {
  const stem = fileName.replace(/\.ya?ml$/, '');
  return FAMILIES.find((f) => stem === f || stem.startsWith(`${f}-`));
}

/** Lists bad/<chart-dir>/*.yaml and good/<chart-dir>/*.yaml under `root`, with findings for folders that name no chart. */
export function discoverFixtures(root: string = FIXTURES_DIR, chartsDir: string = CHARTS_DIR): { fixtures: Fixture[]; findings: Finding[] } {
  const fixtures: Fixture[] = [];
  const findings: Finding[] = [];
  for (const kind of ['bad', 'good'] as const) {
    const base = join(root, kind);
    if (!existsSync(base)) continue;
    for (const dir of readdirSync(base).sort()) {
      const chartDir = join(chartsDir, dir);
      if (!existsSync(join(chartDir, 'Chart.yaml'))) {
        findings.push({ row: CORPUS_ROW, detail: `${displayPath(join(base, dir))}: no chart at ${displayPath(chartDir)}; name the folder after a directory of charts/` });
        continue;
      }
      const row = chartInfo(chartDir).name;
      for (const name of readdirSync(join(base, dir)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        fixtures.push({ kind, file: join(base, dir, name), chartDir, row, family: familyOf(name), apiVersions: API_VERSIONS[dir] ?? [] });
      }
    }
  }
  return { fixtures, findings };
}

/** Problems with the corpus's shape: a file without header or family, a family without its valid twin. */
export function corpusFindings(fixtures: Fixture[], expectations: Map<string, Expectations>): Finding[] {
  const findings: Finding[] = [];
  const bad = fixtures.filter((f) => f.kind === 'bad');
  for (const f of fixtures) {
    const e = expectations.get(f.file);
    if (!f.family) findings.push({ row: f.row, detail: `${displayPath(f.file)}: the file name must start with a family (${FAMILIES.join(', ')}) and a dash` });
    for (const p of e?.problems ?? []) findings.push({ row: f.row, detail: `${displayPath(f.file)}: ${p}` });
    if (f.kind === 'bad' && e && e.both.length === 0) findings.push({ row: f.row, detail: `${displayPath(f.file)}: no "# expect:" header; name the fragment of the error (the field) that both Helm versions must print` });
    if (f.kind === 'good' && e && e.both.length + e.helm3.length + e.helm4.length > 0) findings.push({ row: f.row, detail: `${displayPath(f.file)}: a good fixture must render, so it takes no "# expect" header` });
  }
  const twins = new Set(fixtures.filter((f) => f.kind === 'good').map((f) => `${f.chartDir}\0${f.family}`));
  const reported = new Set<string>();
  for (const f of bad) {
    const key = `${f.chartDir}\0${f.family}`;
    if (!f.family || twins.has(key) || reported.has(key)) continue;
    reported.add(key);
    const twin = join(dirname(dirname(dirname(f.file))), 'good', basename(f.chartDir), `${f.family}.yaml`);
    findings.push({ row: f.row, detail: `family "${f.family}" of ${f.row} has bad fixtures but no valid twin: add ${displayPath(twin)}, close to the bad ones, that renders` });
  }
  return findings;
}

export interface Verdict {
  ok: boolean;
  detail: string;
}

/** Judges one render of one fixture (pure). */
export function judge(fixture: Pick<Fixture, 'kind' | 'file'>, e: Expectations, helm: HelmVersion, result: { ok: boolean; stderr: string }): Verdict {
  const where = `${displayPath(fixture.file)} (${ENGINE[helm]})`;
  if (fixture.kind === 'good') {
    return result.ok
      ? { ok: true, detail: `${where}: rendered` }
      : { ok: false, detail: `over-strict: ${where} was rejected: ${firstErrorLine(result.stderr)}` };
  }
  const fragments = expectedFragments(e, helm);
  if (result.ok) return { ok: false, detail: `${where}: rendered without error, but the chart must reject it (expected an error containing ${fragments.map((f) => JSON.stringify(f)).join(' and ')})` };
  const missing = missingFragments(result.stderr, fragments);
  if (missing.length > 0) return { ok: false, detail: `${where}: rejected, but the error lacks ${missing.map((f) => JSON.stringify(f)).join(' and ')}; helm said: ${errorLines(result.stderr).slice(0, 3).join(' | ')}` };
  return { ok: true, detail: `${where}: rejected as expected` };
}

export interface FixtureRun extends Verdict {
  helm: HelmVersion;
  stderr: string;
}

/** Renders one fixture with one helm and judges the result. */
export async function checkFixture(fixture: Fixture, helm: HelmVersion, e: Expectations = parseExpectations(readFileSync(fixture.file, 'utf8'))): Promise<FixtureRun> {
  const result = await helmTemplate({ chartDir: fixture.chartDir, valuesFiles: [fixture.file], apiVersions: fixture.apiVersions }, { helmVersion: helm, kubeVersion: KUBE_VERSION });
  return { ...judge(fixture, e, helm, result), helm, stderr: result.stderr };
}

export interface ValidateRule {
  /** The message as written in _validate.tpl (a printf format or a literal). */
  message: string;
  /** Matches the message as rendered: every printf verb stands for any text on the line. */
  pattern: RegExp;
}

/** Every message a `<chart>.validateValues` helper can fail with, read from its `append $errors` calls (pure). */
export function validateRules(tpl: string): ValidateRule[] {
  const rules: ValidateRule[] = [];
  for (const m of tpl.matchAll(/append \$errors \(?(?:printf )?"((?:[^"\\]|\\.)*)"/g)) {
    const message = (m[1] ?? '').replace(/\\(.)/g, '$1');
    const source = message
      .split(/%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z]/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^\\n]*?');
    rules.push({ message, pattern: new RegExp(source, 'g') });
  }
  return rules;
}

/** Rules no passing bad fixture exercises: none of its expected fragments lies inside that rule's message in its error. */
export function uncoveredRules(rules: ValidateRule[], caught: { stderr: string; fragments: string[] }[]): ValidateRule[] {
  return rules.filter((rule) => !caught.some(({ stderr, fragments }) => [...stderr.matchAll(rule.pattern)].some((m) => fragments.some((f) => m[0].includes(f)))));
}

export interface BadInputOptions {
  /** Folder holding bad/ and good/; the repository's corpus by default (tests point it at a temporary one). */
  root?: string;
}

/**
 * Renders every fixture with both helm versions (two at a time) and records one check per render into column
 * 'bad input', row = chart name; also the corpus size and shape, that every chart has bad files of every family, and
 * that every validateValues rule is exercised.
 * Needs the umbrella's dependencies built (buildDependencies) beforehand.
 */
export async function checkBadInput(summary: Summary, log: (s: string) => void, options: BadInputOptions = {}): Promise<void> {
  const started = Date.now();
  const root = options.root ?? FIXTURES_DIR;
  const { fixtures, findings } = discoverFixtures(root);
  const expectations = new Map(fixtures.map((f) => [f.file, parseExpectations(readFileSync(f.file, 'utf8'))]));
  findings.push(...corpusFindings(fixtures, expectations));
  const badCount = fixtures.filter((f) => f.kind === 'bad').length;
  summary.record(CORPUS_ROW, COLUMN, badCount >= MIN_BAD_FIXTURES, `only ${badCount} bad values files under ${displayPath(join(root, 'bad'))}: the corpus needs at least ${MIN_BAD_FIXTURES}`);
  for (const f of findings) summary.record(f.row, COLUMN, false, f.detail);

  const jobs = fixtures.flatMap((fixture) => HELM_VERSIONS.map((helm) => ({ fixture, helm })));
  let done = 0;
  const runs = await pool(jobs, 2, async ({ fixture, helm }) => {
    const run = await checkFixture(fixture, helm, expectations.get(fixture.file));
    summary.record(fixture.row, COLUMN, run.ok, run.detail);
    if (++done % 40 === 0 || done === jobs.length) log(`  bad input: ${done}/${jobs.length} renders`);
    return { fixture, run };
  });

  // Every chart with a schema needs bad files of every schema family, and every validateValues rule a bad file that
  // exercises it.
  for (const dir of readdirSync(CHARTS_DIR).sort()) {
    const chartDir = join(CHARTS_DIR, dir);
    if (!existsSync(join(chartDir, 'values.schema.json'))) continue;
    const row = chartInfo(chartDir).name;
    const tpl = join(chartDir, 'templates', '_validate.tpl');
    const bad = runs.filter(({ fixture }) => fixture.kind === 'bad' && fixture.chartDir === chartDir);
    for (const family of FAMILIES.filter((f) => f !== 'validate' || existsSync(tpl))) {
      const has = bad.some(({ fixture }) => fixture.family === family);
      summary.record(row, COLUMN, has, `${row} has no bad fixture of family "${family}": add ${displayPath(join(root, 'bad', dir, `${family}-<what>.yaml`))}`);
    }
    if (!existsSync(tpl)) continue;
    const caught = bad.filter(({ run }) => run.ok).map(({ fixture, run }) => ({ stderr: run.stderr, fragments: expectations.get(fixture.file)?.both ?? [] }));
    const rules = validateRules(readFileSync(tpl, 'utf8'));
    const missing = new Set(uncoveredRules(rules, caught));
    for (const rule of rules) {
      summary.record(row, COLUMN, !missing.has(rule), `validateValues rule not exercised by any bad fixture in ${displayPath(join(root, 'bad', dir))}: "${rule.message.slice(0, 100)}"`);
    }
  }
  log(`  bad input: ${fixtures.filter((f) => f.kind === 'bad').length} bad and ${fixtures.filter((f) => f.kind === 'good').length} good fixtures, ${jobs.length} renders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
