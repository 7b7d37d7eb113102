// The check pipeline behind `npm start` (presets) and `npm test` (everything). Each step records into one Summary.
import { readFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { $ } from 'zx';
import YAML from 'yaml';
import { policyFindings } from './policy.ts';
import { registryEndToEnd } from '../package/e2e.ts';
import { versionIncrementFindings } from '../package/version-check.ts';
import { nondeterministicCalls } from './determinism.ts';
import { breakingChangeAllowed, immutableChanges } from './upgrade.ts';
import { chartsAtRevision } from '../render/revision.ts';
import { parseManifests } from '../render/manifests.ts';
import { allGeneratedFiles } from '../generate/generate.ts';
import { REPO_ROOT, TOOLS_BIN } from '../toolchain/paths.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import { ensureToolchain } from '../toolchain/install.ts';
import { allCharts, applicationCharts, chartInfo, type RenderCase } from '../render/cases.ts';
import { buildDependencies, helm, helmTemplate, pool } from '../render/helm.ts';
import { kubeconform } from './kubeconform.ts';
import { Summary } from './summary.ts';

export type Log = (line: string) => void;

export const COLUMNS = ['typecheck', 'generated', 'helm lint', 'ct lint', 'render', 'kubeconform', 'policy', 'helm3 parity', 'determinism', 'upgrade', 'version', 'bad input', 'docs', 'registry', 'unit'] as const;

function progress(log: Log, label: string, done: number, total: number): void {
  if (done === total || done % 10 === 0) log(`  ${label}: ${done}/${total}`);
}

/** The tooling type-checks under TypeScript strict. */
export async function typecheck(summary: Summary): Promise<void> {
  const out = await $({ cwd: REPO_ROOT, nothrow: true, quiet: true })`npx tsc --noEmit -p .`;
  summary.record('tooling', 'typecheck', out.exitCode === 0, `tsc --noEmit:\n${out.stdout.trim()}`);
}

/** Generated files must equal what the definitions produce now. */
export function checkGenerated(summary: Summary): void {
  for (const file of allGeneratedFiles()) {
    const path = join(REPO_ROOT, file.path);
    const have = existsSync(path) ? readFileSync(path, 'utf8') : null;
    summary.record(file.row, 'generated', have === file.content, `${file.path} is out of date: run npm run generate and commit the result`);
  }
}

export async function lintCharts(summary: Summary, cases: RenderCase[], log: Log): Promise<void> {
  let done = 0;
  await pool(cases, 2, async (c) => {
    const args = ['lint', '--strict', c.chartDir, '--namespace', 'takhin', ...c.valuesFiles.flatMap((f) => ['--values', f])];
    const result = await helm('helm', args);
    summary.record(c.row, 'helm lint', result.ok, `${c.id}: ${(result.stdout + result.stderr).split('\n').filter((l) => /\[(ERROR|WARNING)\]|Error/.test(l)).join(' | ')}`);
    progress(log, 'helm lint', ++done, cases.length);
  });
}

/** chart-testing's lint with the repository's ct.yaml; offline flags as documented in README.md. */
export async function ctLint(summary: Summary, log: Log): Promise<void> {
  const env = { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH ?? ''}` };
  const out = await $({ cwd: REPO_ROOT, env, nothrow: true, quiet: true })`ct lint --config ct.yaml --all --validate-chart-schema=false --check-version-increment=false`;
  const text = out.stdout + out.stderr;
  for (const chart of applicationCharts()) {
    const ok = new RegExp(`✔︎ ${chart.name} `).test(text);
    const failedLine = text.split('\n').find((l) => l.includes(`✖︎ ${chart.name} `));
    summary.record(chart.name, 'ct lint', ok, failedLine ?? `ct lint exited ${out.exitCode}: ${text.slice(-1500)}`);
  }
  log(`  ct lint: exit ${out.exitCode}`);
}

export interface Rendered {
  case: RenderCase;
  kubeVersion: string;
  manifests: string;
}

/** Renders every case for every supported Kubernetes version and validates each render with kubeconform. */
export async function renderAndValidate(summary: Summary, cases: RenderCase[], log: Log): Promise<Rendered[]> {
  const jobs = cases.flatMap((c) => KUBE_VERSIONS.map((v) => ({ c, v })));
  const rendered: Rendered[] = [];
  let done = 0;
  await pool(jobs, 2, async ({ c, v }) => {
    const result = await helmTemplate(c, { kubeVersion: v });
    summary.record(c.row, 'render', result.ok, `${c.id} @${v}: ${result.stderr.trim().split('\n').slice(-6).join(' ')}`);
    if (result.ok) {
      const kc = await kubeconform(result.stdout, v);
      summary.record(c.row, 'kubeconform', kc.ok, `${c.id} @${v}: ${kc.findings.map((f) => `${f.object}: ${f.msg}`).join('; ')}`);
      rendered.push({ case: c, kubeVersion: v, manifests: result.stdout });
    }
    progress(log, `render + kubeconform (${jobs.length} = ${cases.length} cases x ${KUBE_VERSIONS.length} Kubernetes versions)`, ++done, jobs.length);
  });
  return rendered;
}

/** Maps a test file to the summary row it speaks for. */
export function rowOfTestFile(file: string): string {
  const base = file.split('/').pop() ?? file;
  const byPrefix: [string, string][] = [['broker', 'takhin-broker'], ['console', 'takhin-console'], ['monitoring', 'takhin-monitoring'], ['umbrella', 'takhin'], ['preset', 'takhin'], ['gitops', 'takhin']];
  return byPrefix.find(([p]) => base.startsWith(p))?.[1] ?? 'tooling';
}

interface VitestJson {
  testResults: { name: string; assertionResults: { status: string; fullName: string; failureMessages: string[] }[]; message?: string }[];
  numTotalTests: number;
}

export async function unitTests(summary: Summary, log: Log): Promise<void> {
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  const report = join(REPO_ROOT, '.cache', 'vitest.json');
  const env = { ...process.env, TAKHIN_CHARTS_PREPARED: '1' };
  const out = await $({ cwd: REPO_ROOT, env, nothrow: true, quiet: true })`npx vitest run --reporter=dot --reporter=json --outputFile.json=${report}`;
  if (!existsSync(report)) {
    summary.record('tooling', 'unit', false, `vitest produced no report:\n${out.stderr.slice(-2000)}`);
    return;
  }
  const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  for (const file of json.testResults) {
    const row = rowOfTestFile(file.name);
    if (file.assertionResults.length === 0) summary.record(row, 'unit', false, `${relative(REPO_ROOT, file.name)}: ${file.message ?? 'no tests ran'}`);
    for (const t of file.assertionResults) {
      if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo') {
        summary.skip(row, 'unit', `${relative(REPO_ROOT, file.name)} > ${t.fullName}: ${t.status}`);
        continue;
      }
      summary.record(row, 'unit', t.status === 'passed', `${relative(REPO_ROOT, file.name)} > ${t.fullName}: ${(t.failureMessages[0] ?? '').split('\n')[0]}`);
    }
  }
  log(`  vitest: ${json.numTotalTests} tests, exit ${out.exitCode}`);
  if (out.exitCode !== 0 && !summary.failed) summary.record('tooling', 'unit', false, `vitest exited ${out.exitCode}:\n${out.stdout.slice(-1500)}${out.stderr.slice(-1500)}`);
}

export async function prepare(log: Log): Promise<void> {
  log('toolchain');
  await ensureToolchain(log);
  log('chart dependencies');
  await buildDependencies();
}

const NEWEST = KUBE_VERSIONS[KUBE_VERSIONS.length - 1] as string;

/** Pod Security "restricted" and house rules on every rendered pod spec, helm test hooks included. */
export function checkPolicy(summary: Summary, rendered: Rendered[]): void {
  for (const r of rendered.filter((x) => x.kubeVersion === NEWEST)) {
    const findings = policyFindings(parseManifests(r.manifests));
    summary.record(r.case.row, 'policy', findings.length === 0, `${r.case.id}: ${findings.map((f) => `${f.object} ${f.field}: ${f.message}`).join('; ')}`);
  }
}

/** Every case renders identically with Helm 3.18 (gojsonschema era) and Helm 4, and twice in a row. */
export async function checkParityAndDeterminism(summary: Summary, rendered: Rendered[], log: Log): Promise<void> {
  const newest = rendered.filter((x) => x.kubeVersion === NEWEST);
  let done = 0;
  await pool(newest, 2, async (r) => {
    const helm3 = await helmTemplate(r.case, { kubeVersion: NEWEST, helmVersion: 'helm3' });
    summary.record(r.case.row, 'helm3 parity', helm3.ok && helm3.stdout === r.manifests, helm3.ok ? `${r.case.id}: Helm 3 output differs from Helm 4:\n${firstDifference(r.manifests, helm3.stdout)}` : `${r.case.id}: Helm 3 failed: ${helm3.stderr.trim()}`);
    const again = await helmTemplate(r.case, { kubeVersion: NEWEST });
    summary.record(r.case.row, 'determinism', again.stdout === r.manifests, `${r.case.id}: a second render differs:\n${firstDifference(r.manifests, again.stdout)}`);
    progress(log, 'helm3 parity + determinism', ++done, newest.length);
  });
  for (const chart of allCharts()) {
    for (const file of templateFiles(chart.dir)) {
      const calls = nondeterministicCalls(relative(REPO_ROOT, file), readFileSync(file, 'utf8'));
      summary.record(chart.name, 'determinism', calls.length === 0, calls.map((c) => `${c.file}:${c.line} calls ${c.fn}`).join('; '));
    }
  }
}

function templateFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ya?ml|tpl|txt)$/.test(entry.name)) out.push(path);
    }
  };
  if (existsSync(join(dir, 'templates'))) walk(join(dir, 'templates'));
  return out;
}

export function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  const i = al.findIndex((line, n) => line !== bl[n]);
  const at = i < 0 ? Math.min(al.length, bl.length) : i;
  return `  line ${at + 1}:\n  - ${al[at] ?? '<end>'}\n  + ${bl[at] ?? '<end>'}`;
}

/** The git revision a chart is compared against: its last release tag `<chart>-<version>`, else the merge base with main. */
export async function upgradeBase(chart: string): Promise<{ ref: string; label: string } | { reason: string }> {
  const git = (args: string[]) => $({ cwd: REPO_ROOT, nothrow: true, quiet: true })`git ${args}`;
  const tags = (await git(['tag', '--list', '--sort=-v:refname', `${chart}-*`])).stdout.split('\n').filter((t) => new RegExp(`^${chart}-\\d+\\.\\d+\\.\\d+`).test(t));
  if (tags[0]) return { ref: tags[0], label: `release tag ${tags[0]}` };
  for (const main of ['origin/main', 'main']) {
    const mb = await git(['merge-base', 'HEAD', main]);
    if (mb.exitCode === 0) return { ref: mb.stdout.trim(), label: `merge base with ${main} (${mb.stdout.trim().slice(0, 10)}; no ${chart} release tag yet)` };
  }
  return { reason: `no ${chart} release tag and no main branch to compare with` };
}

/** Renders each case from its chart's base revision with the same values and compares immutable fields. */
export async function checkUpgradeSafety(summary: Summary, rendered: Rendered[], log: Log): Promise<void> {
  const newest = rendered.filter((x) => x.kubeVersion === NEWEST);
  const upgrading = existsSync(join(REPO_ROOT, 'docs', 'upgrading.md')) ? readFileSync(join(REPO_ROOT, 'docs', 'upgrading.md'), 'utf8') : '';
  const trees = new Map<string, string>();
  try {
    /** The charts/ tree of a revision, extracted once per run. */
    const tree = async (ref: string): Promise<string> => {
      const known = trees.get(ref);
      if (known) return known;
      const dir = await chartsAtRevision(ref);
      trees.set(ref, dir);
      return dir;
    };
    const labels = new Set<string>();
    // Bases first (sequentially: each revision is extracted once), then the renders two at a time.
    const bases = new Map<string, Awaited<ReturnType<typeof upgradeBase>>>();
    for (const r of newest) {
      const name = chartInfo(r.case.chartDir).name;
      if (!bases.has(name)) bases.set(name, await upgradeBase(name));
      const base = bases.get(name)!;
      if (!('reason' in base)) await tree(base.ref);
    }
    await pool(newest, 2, async (r) => {
      const chart = chartInfo(r.case.chartDir);
      const base = bases.get(chart.name)!;
      if ('reason' in base) {
        summary.skip(r.case.row, 'upgrade', `${r.case.id}: ${base.reason}`);
        return;
      }
      labels.add(`${chart.name}: ${base.label}`);
      const oldDir = join(await tree(base.ref), relative(REPO_ROOT, r.case.chartDir));
      if (!existsSync(join(oldDir, 'Chart.yaml'))) {
        summary.skip(r.case.row, 'upgrade', `${r.case.id}: the chart is new since ${base.label}`);
        return;
      }
      const before = await helmTemplate({ ...r.case, chartDir: oldDir }, { kubeVersion: NEWEST });
      if (!before.ok) {
        summary.skip(r.case.row, 'upgrade', `${r.case.id}: the ${base.label} chart does not accept these values (new keys?): ${before.stderr.trim().split('\n')[0]}`);
        return;
      }
      const changes = immutableChanges(parseManifests(before.stdout), parseManifests(r.manifests));
      const version = (YAML.parse(readFileSync(join(r.case.chartDir, 'Chart.yaml'), 'utf8')) as { version: string }).version;
      const baseVersion = (YAML.parse(readFileSync(join(oldDir, 'Chart.yaml'), 'utf8')) as { version: string }).version;
      const allowed = changes.length > 0 && breakingChangeAllowed(chart.name, baseVersion, version, upgrading);
      summary.record(r.case.row, 'upgrade', changes.length === 0 || allowed,
        `${r.case.id}: ${changes.map((c) => `${c.object} ${c.field} changes (${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)})`).join('; ')}: bump ${chart.name} to a new major version (now ${version}, base ${baseVersion}) and add "## ${chart.name} <version>" to docs/upgrading.md`);
    });
    for (const l of labels) log(`  upgrade base of ${l}`);
  } finally {
    for (const dir of trees.values()) rmSync(dir, { recursive: true, force: true });
  }
}

/** The operator's install path: publish to a loopback OCI registry, render every preset from oci://, pull by digest. */
export async function registry(summary: Summary, log: Log): Promise<void> {
  const { rows } = await registryEndToEnd(log);
  for (const r of rows) summary.record(r.row, 'registry', r.ok, r.detail);
}

/** A chart whose files changed since its last release tag must carry a higher version (ct checks this upstream too). */
export async function checkVersionIncrements(summary: Summary): Promise<void> {
  for (const finding of await versionIncrementFindings()) {
    // Without a release tag there is nothing to compare: that is a skip, not a pass.
    if (finding.ok && finding.message.startsWith('no release tag')) summary.skip(finding.chart, 'version', finding.message);
    else summary.record(finding.chart, 'version', finding.ok, finding.message);
  }
}
