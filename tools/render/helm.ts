// Thin wrappers around the helm CLI. Everything that runs helm goes through here.
import { $ } from 'zx';
import { join } from 'node:path';
import { tool } from '../toolchain/install.ts';
import { REPO_ROOT } from '../toolchain/paths.ts';
import { allCharts, RELEASE, NAMESPACE, type RenderCase } from './cases.ts';

export type HelmVersion = 'helm' | 'helm3';

export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

async function exec(bin: string, args: string[], cwd = REPO_ROOT): Promise<CommandResult> {
  const started = Date.now();
  const out = await $({ cwd, nothrow: true, quiet: true })`${bin} ${args}`;
  return { ok: out.exitCode === 0, stdout: out.stdout, stderr: out.stderr, ms: Date.now() - started };
}

/** Isolated helm state, so nothing depends on (or changes) the user's helm config. */
export const HELM_HOME = join(REPO_ROOT, '.cache', 'helm');
process.env.HELM_CONFIG_HOME = join(HELM_HOME, 'config');
process.env.HELM_CACHE_HOME = join(HELM_HOME, 'cache');
process.env.HELM_DATA_HOME = join(HELM_HOME, 'data');

export function helm(version: HelmVersion, args: string[]): Promise<CommandResult> {
  return exec(tool(version), args);
}

/** Builds charts/<x>/charts/ for every chart with file:// dependencies, dependencies first. */
export async function buildDependencies(): Promise<void> {
  for (const chart of allCharts()) {
    if (chart.dependencies.length === 0) continue;
    const result = await helm('helm', ['dependency', 'build', '--skip-refresh', chart.dir]);
    if (!result.ok) throw new Error(`helm dependency build ${chart.dir} failed:\n${result.stderr}`);
  }
}

export interface TemplateOptions {
  /** Release name; RELEASE by default. */
  release?: string;
  kubeVersion?: string;
  helmVersion?: HelmVersion;
  set?: string[];
  apiVersions?: string[];
  /** Extra values files (absolute or repo-relative), after the case's own. */
  extraValues?: string[];
}

export function templateArgs(c: Pick<RenderCase, 'chartDir' | 'valuesFiles' | 'apiVersions'>, opts: TemplateOptions = {}): string[] {
  const args = ['template', opts.release ?? RELEASE, c.chartDir, '--namespace', NAMESPACE];
  for (const f of [...c.valuesFiles, ...(opts.extraValues ?? [])]) args.push('--values', f);
  for (const s of opts.set ?? []) args.push('--set', s);
  if (opts.kubeVersion) args.push('--kube-version', opts.kubeVersion);
  for (const a of [...(c.apiVersions ?? []), ...(opts.apiVersions ?? [])]) args.push('--api-versions', a);
  return args;
}

export function helmTemplate(c: Pick<RenderCase, 'chartDir' | 'valuesFiles' | 'apiVersions'>, opts: TemplateOptions = {}): Promise<CommandResult> {
  return helm(opts.helmVersion ?? 'helm', templateArgs(c, opts));
}

/** Runs tasks with at most `limit` at once (the machines have 2 cores). */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
