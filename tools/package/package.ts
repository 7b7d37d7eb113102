/**
 * Packages every chart into dist/, reproducibly: the same chart sources give the same archive bytes on any machine.
 *
 * What `helm package` (Helm 4.1.4, pkg/chart/v2/util/save.go) leaves variable, and what is done about it:
 * - each entry's mtime is the source file's mtime (a fresh clone's checkout time), and helm ignores
 *   SOURCE_DATE_EPOCH: every chart is copied into a staging directory whose files all get one time, the chart's epoch;
 * - Chart.lock records when `helm dependency build` ran (its `generated:` field, also used as the entry's mtime):
 *   dependencies are built in the staging copy and `generated:` is set to the epoch;
 * - subcharts come out in random order (tar.ts): the archive's entries are put into a canonical order and
 *   recompressed with `gzip -n`.
 * The archive file's own mtime is set to the epoch as well, because `helm push` writes it into the OCI manifest as
 * `org.opencontainers.image.created`: with it, the manifest digest a registry reports is reproducible too.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { archiveName, sourceCharts, type SourceChart } from './charts.ts';
import { git, helmOk, isolatedHelmEnv } from './exec.ts';
import { writeProvenance, type SignOptions } from './sign.ts';
import { canonicalArchive, sha256File } from './tar.ts';

export type { SignOptions } from './sign.ts';

export type Log = (line: string) => void;

export const DIST_DIR = join(REPO_ROOT, 'dist');

/** Used when neither SOURCE_DATE_EPOCH nor git history gives a time: 1980-01-01T00:00:00Z, as zip-based tools do. */
export const FALLBACK_EPOCH = 315532800;

export interface PackageOptions {
  chartsDir?: string;
  outDir?: string;
  /** One time (seconds since 1970) for every chart; otherwise SOURCE_DATE_EPOCH, else each chart's last commit. */
  epoch?: number;
  /** Chart names to package (default: all). Their file:// dependencies are still staged and built. */
  only?: string[];
  sign?: SignOptions;
  log?: Log;
}

export interface Packaged {
  name: string;
  version: string;
  /** Source directory (absolute). */
  chartPath: string;
  /** The archive (absolute). */
  file: string;
  sha256: string;
  epoch: number;
  /** The .prov file, when signed. */
  provenance?: string;
}

function setTimesRecursively(path: string, seconds: number): void {
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) setTimesRecursively(join(path, entry), seconds);
  utimesSync(path, seconds, seconds);
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The time written into a chart's archive: SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else
 * the last commit touching the chart or a chart it vendors, else FALLBACK_EPOCH (not a git checkout).
 */
export async function chartEpoch(chart: SourceChart, log: Log): Promise<number> {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seconds = Number(fromEnv);
    if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`SOURCE_DATE_EPOCH=${fromEnv} is not a whole number of seconds since 1970`);
    return seconds;
  }
  const paths = [chart.path, ...chart.localDependencies];
  const last = await git(['log', '-1', '--format=%ct', '--', ...paths], chart.path);
  const seconds = Number(last.stdout.trim());
  if (!last.ok || !last.stdout.trim() || !Number.isInteger(seconds)) return FALLBACK_EPOCH;
  const dirty = await git(['status', '--porcelain', '--', ...paths], chart.path);
  if (dirty.ok && dirty.stdout.trim()) {
    log(`  note: ${chart.meta.name} has uncommitted changes; its archive is reproducible from this tree, not from a commit`);
  }
  return seconds;
}

/** Copies the chart's sources (not its built charts/ directory or Chart.lock) with every time set to `epoch`. */
function stage(chart: SourceChart, stagingCharts: string, epoch: number): string {
  const dest = join(stagingCharts, chart.dir);
  const skip = new Set([join(chart.path, 'charts'), join(chart.path, 'Chart.lock')]);
  cpSync(chart.path, dest, { recursive: true, filter: (src) => !skip.has(src) });
  setTimesRecursively(dest, epoch);
  return dest;
}

/** Chart.lock records when `helm dependency build` ran; pin that to the epoch (helm also uses it as the entry's mtime). */
function pinLockTime(stagedChart: string, epoch: number): void {
  const lock = join(stagedChart, 'Chart.lock');
  if (!existsSync(lock)) return;
  const text = readFileSync(lock, 'utf8');
  if (!/^generated: .*$/m.test(text)) throw new Error(`${lock} has no generated: line; helm's lock format changed, check package.ts`);
  writeFileSync(lock, text.replace(/^generated: .*$/m, `generated: "${isoSeconds(epoch)}"`));
  utimesSync(lock, epoch, epoch);
}

export async function packageCharts(opts: PackageOptions = {}): Promise<Packaged[]> {
  const log = opts.log ?? (() => undefined);
  const chartsDir = opts.chartsDir ?? CHARTS_DIR;
  const outDir = opts.outDir ?? DIST_DIR;
  const charts = sourceCharts(chartsDir);
  const unknown = (opts.only ?? []).filter((n) => !charts.some((c) => c.meta.name === n));
  if (unknown.length) throw new Error(`no chart named ${unknown.join(', ')} in ${chartsDir}; charts: ${charts.map((c) => c.meta.name).join(', ')}`);
  const wanted = opts.only ? charts.filter((c) => opts.only!.includes(c.meta.name)) : charts;

  if (opts.epoch === undefined && (await git(['rev-parse', '--is-shallow-repository'], chartsDir)).stdout.trim() === 'true') {
    log('  warning: shallow clone: a chart\'s last commit may be missing, so its time and archive can differ from a full clone\'s (fetch the full history, or set SOURCE_DATE_EPOCH)');
  }
  const staging = mkdtempSync(join(tmpdir(), 'takhin-package-'));
  const env = isolatedHelmEnv(join(staging, '.helm'));
  const stagingCharts = join(staging, 'charts');
  mkdirSync(outDir, { recursive: true });
  try {
    const staged = new Map<SourceChart, { path: string; epoch: number }>();
    for (const chart of charts) {
      const epoch = opts.epoch ?? (await chartEpoch(chart, log));
      staged.set(chart, { path: stage(chart, stagingCharts, epoch), epoch });
    }
    // Dependencies first (sourceCharts' order): the umbrella's build vendors the staged subcharts with their own charts/.
    for (const chart of charts) {
      if (!(chart.meta.dependencies ?? []).length) continue;
      const { path, epoch } = staged.get(chart)!;
      await helmOk(['dependency', 'build', '--skip-refresh', path], env);
      pinLockTime(path, epoch);
    }
    const packaged: Packaged[] = [];
    for (const chart of wanted) {
      const { path, epoch } = staged.get(chart)!;
      const file = join(outDir, archiveName(chart.meta));
      rmSync(file, { force: true });
      rmSync(`${file}.prov`, { force: true });
      await helmOk(['package', path, '--destination', outDir], env);
      if (!existsSync(file)) throw new Error(`helm package ${chart.meta.name} did not write ${file}`);
      writeFileSync(file, canonicalArchive(readFileSync(file)));
      // helm push reads the archive's mtime as the OCI `created` annotation.
      utimesSync(file, epoch, epoch);
      const result: Packaged = { name: chart.meta.name, version: chart.meta.version, chartPath: chart.path, file, sha256: sha256File(file), epoch };
      if (opts.sign) result.provenance = writeProvenance(file, chart.meta.name, opts.sign);
      packaged.push(result);
      log(`  ${chart.meta.name} ${chart.meta.version}  sha256:${result.sha256}  ${relative(REPO_ROOT, file) || file}`);
    }
    return packaged;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes archives and provenance files a previous run left in `outDir`, so dist/ holds exactly this run's packages. */
export function cleanDist(outDir: string = DIST_DIR): void {
  if (!existsSync(outDir)) return;
  for (const f of readdirSync(outDir)) if (f.endsWith('.tgz') || f.endsWith('.tgz.prov')) rmSync(join(outDir, f));
}
