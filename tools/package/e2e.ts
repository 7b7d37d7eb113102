/**
 * The operator's path, end to end, against a real OCI registry on 127.0.0.1: package every chart (twice: the
 * digests must agree), publish them, then as a fresh helm (no cache, no config) render every preset from
 * `oci://…/takhin` and compare it byte for byte with the render of the repository's chart, pull every chart by
 * digest, read its metadata with `helm show chart`, and try to publish the same versions again (refused). The
 * registry is stopped by its process id at the end, whatever happened.
 *
 * The local renders read charts/<chart>/charts/, so the caller builds dependencies first (`prepare()` in
 * `npm test`, the global setup under vitest); doing it here would rewrite files other checks are reading.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { presetCases } from '../render/cases.ts';
import { helmTemplate, pool, templateArgs } from '../render/helm.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import { readChartMeta, type ChartMeta } from './charts.ts';
import { missingMetadata } from './metadata.ts';
import { helm, isolatedHelmEnv } from './exec.ts';
import { packageCharts, type Log, type Packaged } from './package.ts';
import { publishCharts, PublishRefused, type Published } from './publish.ts';
import { processAlive, startRegistry } from './registry.ts';

export interface E2ERow {
  /** A chart name, `preset/<name>`, or `registry` for the registry itself. */
  row: string;
  ok: boolean;
  /** What was checked, or what failed and where. */
  detail?: string;
}

const KUBE_VERSION = KUBE_VERSIONS[KUBE_VERSIONS.length - 1]!;

/** The digest the registry serves for a tag (plain HTTP, no auth: the local registry only). */
async function manifestDigest(target: string, name: string, version: string): Promise<string | undefined> {
  const [host, ...path] = target.slice('oci://'.length).split('/');
  const url = `http://${host}/v2/${[...path, name].join('/')}/manifests/${version}`;
  const res = await fetch(url, { method: 'HEAD', headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
  return res.ok ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const i = x.findIndex((line, n) => line !== y[n]);
  const at = i < 0 ? Math.min(x.length, y.length) : i;
  return `line ${at + 1}: local ${JSON.stringify(x[at] ?? '<end>')} / oci ${JSON.stringify(y[at] ?? '<end>')}`;
}

export async function registryEndToEnd(log: Log = () => undefined): Promise<{ rows: E2ERow[] }> {
  const rows: E2ERow[] = [];
  const record = (row: string, ok: boolean, detail: string) => rows.push({ row, ok, detail });
  const scratch = mkdtempSync(join(tmpdir(), 'takhin-e2e-'));
  // The operator's helm: nothing cached, nothing configured.
  const operator = isolatedHelmEnv(join(scratch, 'operator-helm'));
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  try {
    log('  package every chart, twice');
    let first: Packaged[];
    let second: Packaged[];
    try {
      [first, second] = await Promise.all([packageCharts({ outDir: join(scratch, 'dist') }), packageCharts({ outDir: join(scratch, 'dist-again') })]);
    } catch (error) {
      record('registry', false, `packaging failed, so nothing was published: ${error instanceof Error ? error.message : String(error)}`);
      return { rows };
    }
    for (const p of first) {
      const again = second.find((s) => s.name === p.name);
      record(p.name, again?.sha256 === p.sha256, `${p.name} ${p.version}: packaged twice, sha256 ${p.sha256} then ${again?.sha256 ?? 'missing'}`);
    }

    log(`  start docker-registry on 127.0.0.1 (${elapsed()})`);
    let registry;
    try {
      registry = await startRegistry();
    } catch (error) {
      record('registry', false, error instanceof Error ? error.message : String(error));
      return { rows };
    }
    const target = `oci://${registry.host}/charts`;
    try {
      await publishAndConsume(target, first, operator, scratch, record, log, elapsed);
    } catch (error) {
      record('registry', false, `${error instanceof Error ? error.message : String(error)}\nregistry log:\n${registry.log().slice(-1500)}`);
    } finally {
      await registry.stop();
      const alive = processAlive(registry.pid);
      record('registry', !alive, alive ? `docker-registry (pid ${registry.pid}) is still running after stop()` : `docker-registry on ${registry.host} (pid ${registry.pid}) stopped`);
    }
    log(`  done in ${elapsed()}`);
    return { rows };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function publishAndConsume(
  target: string,
  packaged: Packaged[],
  operator: NodeJS.ProcessEnv,
  scratch: string,
  record: (row: string, ok: boolean, detail: string) => void,
  log: Log,
  elapsed: () => string,
): Promise<void> {
  log(`  publish ${packaged.length} charts to ${target} (${elapsed()})`);
  const published = await publishCharts(target, packaged, { plainHttp: true, env: operator });
  for (const p of packaged) {
    const pub = published.find((x) => x.name === p.name);
    record(p.name, pub?.status === 'pushed' && !!pub.digest, `${p.name} ${p.version}: pushed to ${target}, manifest ${pub?.digest ?? 'missing'}`);
  }
  const byName = new Map(published.map((p) => [p.name, p] as [string, Published]));
  const umbrella = packaged.find((p) => p.name === 'takhin');
  if (!umbrella) throw new Error('no takhin umbrella chart was packaged');

  log(`  render every preset from ${target}/takhin and locally (${elapsed()})`);
  await pool(presetCases(), 2, async (c) => {
    const local = await helmTemplate(c, { kubeVersion: KUBE_VERSION });
    const args = [...templateArgs({ ...c, chartDir: `${target}/takhin` }, { kubeVersion: KUBE_VERSION }), '--version', umbrella.version, '--plain-http'];
    const remote = await helm(args, operator);
    const same = local.ok && remote.ok && local.stdout === remote.stdout;
    record(
      c.row,
      same,
      !local.ok ? `${c.id}: local render failed: ${local.stderr.trim()}` : !remote.ok ? `${c.id}: helm template from ${target}/takhin failed: ${remote.stderr.trim()}` : same ? `${c.id}: oci render equals the local render (${local.stdout.length} bytes)` : `${c.id}: oci render differs from the local render, ${firstDifference(local.stdout, remote.stdout)}`,
    );
  });

  log(`  pull by digest, show chart (${elapsed()})`);
  await pool(packaged, 2, async (p) => {
    const digest = byName.get(p.name)?.digest;
    const dest = join(scratch, 'pulled', p.name);
    mkdirSync(dest, { recursive: true });
    const pulled = await helm(['pull', `${target}/${p.name}@${digest}`, '--destination', dest, '--plain-http'], operator);
    const files = pulled.ok ? readdirSync(dest) : [];
    const same = files.length === 1 && readFileSync(join(dest, files[0]!)).equals(readFileSync(p.file));
    record(p.name, same, pulled.ok ? `${p.name}@${digest}: pulled ${files.join(', ')}, ${same ? 'byte-identical to' : 'DIFFERENT from'} the packaged archive` : `helm pull ${p.name}@${digest} failed: ${pulled.stderr.trim()}`);

    const shown = await helm(['show', 'chart', `${target}/${p.name}`, '--version', p.version, '--plain-http'], operator);
    if (!shown.ok) {
      record(p.name, false, `helm show chart ${target}/${p.name} --version ${p.version} failed: ${shown.stderr.trim()}`);
      return;
    }
    const meta = YAML.parse(shown.stdout) as ChartMeta;
    const missing = missingMetadata(meta);
    const asSource = isDeepStrictEqual(meta, readChartMeta(p.chartPath));
    record(p.name, missing.length === 0 && asSource, missing.length ? `helm show chart ${p.name}: missing ${missing.join(', ')}` : asSource ? `helm show chart ${p.name}: all metadata present, equal to Chart.yaml` : `helm show chart ${p.name} differs from ${p.chartPath}/Chart.yaml`);
  });
  const production = presetCases().find((c) => c.row === 'preset/production');
  if (production) {
    const digest = byName.get('takhin')?.digest;
    const local = await helmTemplate(production, { kubeVersion: KUBE_VERSION });
    const pinned = await helm([...templateArgs({ ...production, chartDir: `${target}/takhin@${digest}` }, { kubeVersion: KUBE_VERSION }), '--plain-http'], operator);
    record(production.row, pinned.ok && pinned.stdout === local.stdout, pinned.ok ? `takhin@${digest} (pinned by digest) renders ${pinned.stdout === local.stdout ? 'the same as' : 'DIFFERENTLY from'} the local chart` : `helm template ${target}/takhin@${digest} failed: ${pinned.stderr.trim()}`);
  }

  log(`  publish the same versions again (${elapsed()})`);
  let refusal = '';
  try {
    await publishCharts(target, packaged, { plainHttp: true, env: operator });
  } catch (error) {
    if (!(error instanceof PublishRefused)) throw error;
    refusal = error.message;
  }
  for (const p of packaged) {
    const named = refusal.includes(`${p.name} ${p.version} already exists`);
    record(p.name, named, named ? `a second publish of ${p.name} ${p.version} was refused` : `a second publish of ${p.name} ${p.version} was not refused${refusal ? `: ${refusal}` : ''}`);
  }
  const skipped = await publishCharts(target, packaged, { plainHttp: true, skipExisting: true, env: operator });
  record('registry', skipped.every((s) => s.status === 'skipped') && skipped.length === packaged.length, `--skip-existing with unchanged archives pushed nothing: ${skipped.map((s) => `${s.name} ${s.status}`).join(', ')}`);

  // Same version, different bytes (another epoch): refused even with --skip-existing.
  const altered = await packageCharts({ outDir: join(scratch, 'dist-altered'), only: ['takhin-common'], epoch: 0 });
  let alteredRefusal = '';
  try {
    await publishCharts(target, altered, { plainHttp: true, skipExisting: true, env: operator });
  } catch (error) {
    if (!(error instanceof PublishRefused)) throw error;
    alteredRefusal = error.message;
  }
  record('takhin-common', alteredRefusal.includes('with different content'), alteredRefusal ? 'a different archive under a published version was refused, even with --skip-existing' : 'a different archive under a published version was NOT refused');

  for (const p of packaged) {
    const now = await manifestDigest(target, p.name, p.version);
    const first = byName.get(p.name)?.digest;
    record(p.name, now === first, `${p.name} ${p.version} still resolves to ${first} after the refused publishes (now ${now ?? 'unresolved'})`);
  }
}
