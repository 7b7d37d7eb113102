// The charts/ tree of another git revision, with file:// dependencies built, for comparing or installing it.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { $ } from 'zx';
import { REPO_ROOT } from '../toolchain/paths.ts';
import { allCharts } from './cases.ts';
import { helm } from './helm.ts';

/** Extracts `charts/` at `ref` into a new temporary directory (returned; the caller removes it). */
export async function chartsAtRevision(ref: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'takhin-charts-at-'));
  const archive = await $({ cwd: REPO_ROOT, nothrow: true, quiet: true })`git archive --format=tar ${ref} charts | tar -x -C ${dir}`;
  if (archive.exitCode !== 0) throw new Error(`git archive ${ref} charts failed: ${archive.stderr}`);
  for (const chart of allCharts()) {
    const old = join(dir, relative(REPO_ROOT, chart.dir));
    if (!existsSync(join(old, 'Chart.yaml')) || chart.dependencies.length === 0) continue;
    const built = await helm('helm', ['dependency', 'build', '--skip-refresh', old]);
    if (!built.ok) throw new Error(`helm dependency build of ${chart.name} at ${ref} failed: ${built.stderr.trim()}`);
  }
  return dir;
}
