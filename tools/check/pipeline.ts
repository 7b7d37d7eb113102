// The check pipeline behind `npm start` (presets) and `npm test` (everything). Each step records into one Summary.
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { $ } from 'zx';
import { allGeneratedFiles } from '../generate/generate.ts';
import { REPO_ROOT, TOOLS_BIN } from '../toolchain/paths.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import { ensureToolchain } from '../toolchain/install.ts';
import { applicationCharts, ciCases, presetCases, type RenderCase } from '../render/cases.ts';
import { buildDependencies, helm, helmTemplate, pool } from '../render/helm.ts';
import { kubeconform } from './kubeconform.ts';
import { Summary } from './summary.ts';

export type Log = (line: string) => void;

export const COLUMNS = ['generated', 'helm lint', 'ct lint', 'render', 'kubeconform', 'unit'] as const;

function progress(log: Log, label: string, done: number, total: number): void {
  if (done === total || done % 10 === 0) log(`  ${label}: ${done}/${total}`);
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
  const out = await $({ cwd: REPO_ROOT, env, nothrow: true, quiet: true })`ct lint --config ct.yaml --all --validate-maintainers=false --validate-chart-schema=false --check-version-increment=false`;
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
  const out = await $({ cwd: REPO_ROOT, nothrow: true, quiet: true })`npx vitest run --reporter=dot --reporter=json --outputFile.json=${report}`;
  if (!existsSync(report)) {
    summary.record('tooling', 'unit', false, `vitest produced no report:\n${out.stderr.slice(-2000)}`);
    return;
  }
  const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  for (const file of json.testResults) {
    const row = rowOfTestFile(file.name);
    if (file.assertionResults.length === 0) summary.record(row, 'unit', false, `${relative(REPO_ROOT, file.name)}: ${file.message ?? 'no tests ran'}`);
    for (const t of file.assertionResults) {
      if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo') continue;
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
