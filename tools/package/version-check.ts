/**
 * Local counterpart of chart-testing's version-increment check, against release tags instead of a target branch:
 * a chart whose files (or the files of a chart it vendors by file://, which end up inside its package) changed
 * since its last `<chart>-<version>` tag must have a higher version than that tag. Upstream CI runs ct's own check.
 */
import { join, relative } from 'node:path';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { sourceCharts } from './charts.ts';
import { git } from './exec.ts';

export interface VersionFinding {
  chart: string;
  ok: boolean;
  message: string;
}

interface SemVer {
  core: [number, number, number];
  pre: string[];
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semantic-version precedence (semver.org §11): negative when a < b. Build metadata is ignored. */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not a semantic version: ${!x ? a : b}`);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! - y.core[i]!;
  if (!x.pre.length || !y.pre.length) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i]!, y.pre[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The highest `<chart>-<semver>` tag reachable from HEAD, or undefined. */
async function lastReleaseTag(repoRoot: string, chart: string): Promise<{ tag: string; version: string } | undefined> {
  const tags = await git(['tag', '--list', '--merged', 'HEAD', `${chart}-*`], repoRoot);
  if (!tags.ok) return undefined;
  const pattern = new RegExp(`^${escape(chart)}-(.+)$`);
  const versions = tags.stdout
    .split('\n')
    .map((t) => ({ tag: t.trim(), version: pattern.exec(t.trim())?.[1] ?? '' }))
    .filter((t) => parseSemver(t.version));
  return versions.sort((a, b) => compareSemver(b.version, a.version))[0];
}

async function changedSince(repoRoot: string, tag: string, paths: string[]): Promise<string[]> {
  const tracked = await git(['diff', '--name-only', tag, '--', ...paths], repoRoot);
  if (!tracked.ok) throw new Error(`git diff ${tag} failed in ${repoRoot}: ${tracked.stderr.trim()}`);
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '--', ...paths], repoRoot);
  return [...tracked.stdout.split('\n'), ...untracked.stdout.split('\n')].map((l) => l.trim()).filter(Boolean);
}

export async function versionIncrementFindings(repoRoot: string = REPO_ROOT, chartsDir: string = join(repoRoot, 'charts')): Promise<VersionFinding[]> {
  const findings: VersionFinding[] = [];
  for (const chart of sourceCharts(chartsDir)) {
    const { name, version } = chart.meta;
    if (!parseSemver(version)) {
      findings.push({ chart: name, ok: false, message: `version "${version}" in ${relative(repoRoot, join(chart.path, 'Chart.yaml'))} is not a semantic version (MAJOR.MINOR.PATCH)` });
      continue;
    }
    const last = await lastReleaseTag(repoRoot, name);
    if (!last) {
      findings.push({ chart: name, ok: true, message: `no release tag ${name}-<version> yet: nothing to compare ${version} with` });
      continue;
    }
    const paths = [chart.path, ...chart.localDependencies].map((p) => relative(repoRoot, p));
    const changed = await changedSince(repoRoot, last.tag, paths);
    const order = compareSemver(version, last.version);
    if (order < 0) {
      findings.push({ chart: name, ok: false, message: `version ${version} is lower than the released ${last.tag}` });
    } else if (changed.length === 0) {
      findings.push({ chart: name, ok: true, message: `unchanged since ${last.tag}` });
    } else if (order === 0) {
      const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? `, and ${changed.length - 5} more` : '');
      findings.push({
        chart: name,
        ok: false,
        message: `${shown} changed since ${last.tag}, but the version is still ${version}: raise version in ${relative(repoRoot, join(chart.path, 'Chart.yaml'))} and add a CHANGELOG.md section for it`,
      });
    } else {
      findings.push({ chart: name, ok: true, message: `changed since ${last.tag}; version raised to ${version}` });
    }
  }
  return findings;
}

/** `<chart>-<version>` for every chart's current version: the tags a release creates. */
export function releaseTags(chartsDir: string = CHARTS_DIR): string[] {
  return sourceCharts(chartsDir).map((c) => `${c.meta.name}-${c.meta.version}`);
}
