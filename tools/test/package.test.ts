// Packaging: reproducible archives that helm accepts, provenance helm verifies, and the version-increment check.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { helm, helmOk, isolatedHelmEnv } from '../package/exec.ts';
import { packageCharts, type Packaged } from '../package/package.ts';
import { parseTarget } from '../package/publish.ts';
import { archiveEntries, archiveFile, canonicalOrder, chartChain, type TarEntry } from '../package/tar.ts';
import { compareSemver, versionIncrementFindings } from '../package/version-check.ts';
import { sourceCharts } from '../package/charts.ts';

const SLOW = { timeout: 180_000 };
const EPOCH = 1_700_000_000;

let scratch = '';
let env: NodeJS.ProcessEnv = {};
let fromRepo: Packaged[] = [];
const byName = (list: Packaged[], name: string) => list.find((p) => p.name === name)!;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'takhin-package-test-'));
  env = isolatedHelmEnv(join(scratch, 'helm'));
  fromRepo = await packageCharts({ outDir: join(scratch, 'repo'), epoch: EPOCH });
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run package', () => {
  it('packages every chart under its Chart.yaml name and version', () => {
    const want = sourceCharts(CHARTS_DIR).map((c) => `${c.meta.name}-${c.meta.version}.tgz`).sort();
    expect(readdirSync(join(scratch, 'repo')).sort()).toEqual(want);
  });

  it('gives the same bytes for the same sources, whatever the files\' times (a fresh clone elsewhere)', async () => {
    const copy = join(scratch, 'clone');
    cpSync(CHARTS_DIR, join(copy, 'charts'), { recursive: true });
    // A clone gets new mtimes; make them differ between files too, and leave stale built dependencies behind.
    let n = 0;
    const scramble = (p: string) => {
      if (statSync(p).isDirectory()) readdirSync(p).forEach((e) => scramble(join(p, e)));
      utimesSync(p, 1_000_000_000 + n * 7919, 1_000_000_000 + n++ * 7919);
    };
    scramble(copy);
    const fromClone = await packageCharts({ chartsDir: join(copy, 'charts'), outDir: join(scratch, 'clone-dist'), epoch: EPOCH });
    for (const p of fromRepo) expect(byName(fromClone, p.name).sha256, p.name).toBe(p.sha256);
  }, SLOW.timeout);

  it('gives the same bytes on a second run (the umbrella\'s subcharts no longer come out in random order)', async () => {
    const again = await packageCharts({ outDir: join(scratch, 'again'), epoch: EPOCH });
    for (const p of fromRepo) expect(byName(again, p.name).sha256, p.name).toBe(p.sha256);
  }, SLOW.timeout);

  it('puts the subcharts inside the umbrella, each after its parent\'s files and sorted by name', () => {
    const entries = archiveEntries(readFileSync(byName(fromRepo, 'takhin').file));
    const chains = [...new Set(entries.map((e) => chartChain(e).join('>')))];
    expect(chains).toEqual([
      'takhin',
      'takhin>takhin-broker',
      'takhin>takhin-broker>takhin-common',
      'takhin>takhin-console',
      'takhin>takhin-console>takhin-common',
      'takhin>takhin-monitoring',
      'takhin>takhin-monitoring>takhin-common',
    ]);
    expect(entries[0]).toBe('takhin/Chart.yaml');
  });

  it('records the epoch, not the build time, in Chart.lock and as the archive time helm push reports', () => {
    const umbrella = byName(fromRepo, 'takhin');
    const tgz = readFileSync(umbrella.file);
    for (const lock of ['takhin/Chart.lock', 'takhin/charts/takhin-broker/Chart.lock']) {
      expect(archiveFile(tgz, lock)?.toString('utf8'), lock).toContain('generated: "2023-11-14T22:13:20Z"');
    }
    expect(statSync(umbrella.file).mtimeMs / 1000).toBe(EPOCH);
    // gzip header: no file name (FLG 0) and no time (MTIME 0).
    expect([...tgz.subarray(0, 8)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  });

  it('writes archives helm reads: show chart, and a render equal to the chart directory\'s', async () => {
    for (const p of fromRepo) {
      const shown = await helmOk(['show', 'chart', p.file], env);
      expect(shown, p.name).toContain(`name: ${p.name}\n`);
      expect(shown).toContain(`version: ${p.version}\n`);
    }
    const values = join(REPO_ROOT, 'values-examples', 'production.yaml');
    const args = (chart: string) => ['template', 'takhin', chart, '--namespace', 'takhin', '--values', values, '--api-versions', 'monitoring.coreos.com/v1'];
    const fromArchive = await helmOk(args(byName(fromRepo, 'takhin').file), env);
    expect(fromArchive).toBe(await helmOk(args(join(CHARTS_DIR, 'takhin')), env));
    expect(fromArchive).toContain('kind: StatefulSet');
  }, SLOW.timeout);
});

describe('archive order', () => {
  const entry = (name: string): TarEntry => ({ name, bytes: Buffer.from(name) });

  it('keeps helm\'s order inside a chart and moves whole subcharts into name order', () => {
    const helmOrder = ['u/Chart.yaml', 'u/values.yaml', 'u/charts/zeta/Chart.yaml', 'u/charts/zeta/templates/a.yaml', 'u/charts/alpha/Chart.yaml', 'u/charts/alpha/charts/lib/Chart.yaml', 'u/charts/alpha/values.yaml', 'u/README.md'];
    expect(canonicalOrder(helmOrder.map(entry)).map((e) => e.name)).toEqual([
      'u/Chart.yaml',
      'u/values.yaml',
      'u/README.md',
      'u/charts/alpha/Chart.yaml',
      'u/charts/alpha/values.yaml',
      'u/charts/alpha/charts/lib/Chart.yaml',
      'u/charts/zeta/Chart.yaml',
      'u/charts/zeta/templates/a.yaml',
    ]);
  });

  it('treats a charts/ directory below templates/ as plain files, not a subchart', () => {
    expect(chartChain('u/templates/charts/x/y.yaml')).toEqual(['u']);
    expect(chartChain('u/charts/x.prov')).toEqual(['u']);
    expect(chartChain('u/charts/a/charts/b/templates/t.yaml')).toEqual(['u', 'a', 'b']);
  });
});

describe('npm run publish', () => {
  it('takes only oci://<registry>/<prefix>', () => {
    expect(parseTarget('oci://ghcr.io/takhin-data/charts/')).toBe('oci://ghcr.io/takhin-data/charts');
    expect(parseTarget('oci://127.0.0.1:5000/charts')).toBe('oci://127.0.0.1:5000/charts');
    expect(() => parseTarget('https://ghcr.io/takhin-data/charts')).toThrow(/not an OCI registry location: give oci:\/\//);
    expect(() => parseTarget('oci://ghcr.io/takhin-data/charts/takhin:0.1.0')).toThrow(/not an OCI registry location/);
  });
});

const hasGpg = spawnSync('gpg', ['--version']).status === 0;

describe.skipIf(!hasGpg)('signed packages', () => {
  it('writes a .prov that helm verify accepts, and that rejects a changed archive', async () => {
    const home = join(scratch, 'gnupg');
    mkdirSync(home);
    chmodSync(home, 0o700);
    const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', 'test-passphrase', ...args]);
    try {
      gpg('--quick-gen-key', 'Takhin Charts Test <charts-test@example.invalid>', 'ed25519', 'sign', 'never');
      writeFileSync(join(scratch, 'secring.gpg'), gpg('--export-secret-keys'));
      writeFileSync(join(scratch, 'pubring.gpg'), gpg('--export'));
    } finally {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
    }
    writeFileSync(join(scratch, 'passphrase'), 'test-passphrase\n');
    const sign = { key: 'Takhin Charts Test', keyring: join(scratch, 'secring.gpg'), passphraseFile: join(scratch, 'passphrase') };
    const [signed] = await packageCharts({ outDir: join(scratch, 'signed'), only: ['takhin'], epoch: EPOCH, sign });
    expect(signed!.provenance).toBe(`${signed!.file}.prov`);
    // Signing does not change the archive: it is the same as the unsigned one.
    expect(signed!.sha256).toBe(byName(fromRepo, 'takhin').sha256);

    const verified = await helm(['verify', signed!.file, '--keyring', join(scratch, 'pubring.gpg')], env);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toContain('Signed by: Takhin Charts Test <charts-test@example.invalid>');
    expect(verified.stdout).toContain(`Chart Hash Verified: sha256:${signed!.sha256}`);

    writeFileSync(signed!.file, Buffer.concat([readFileSync(signed!.file), Buffer.from([0])]));
    const tampered = await helm(['verify', signed!.file, '--keyring', join(scratch, 'pubring.gpg')], env);
    expect(tampered.ok).toBe(false);
    expect(tampered.stderr).toMatch(/sha256 sum does not match/);
  }, SLOW.timeout);
});

describe('semantic versions', () => {
  it('orders versions by semver precedence', () => {
    const sorted = ['1.0.0', '0.10.0', '0.2.0', '1.0.0-rc.1', '1.0.0-alpha', '1.0.0-alpha.2', '1.0.0-alpha.10', '0.2.1'].sort(compareSemver);
    expect(sorted).toEqual(['0.2.0', '0.2.1', '0.10.0', '1.0.0-alpha', '1.0.0-alpha.2', '1.0.0-alpha.10', '1.0.0-rc.1', '1.0.0']);
  });
});

describe('version-increment check', () => {
  let repo = '';
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
  const chartYaml = (name: string, version: string, deps = '') => `apiVersion: v2\nname: ${name}\nversion: ${version}\n${deps}`;
  const write = (rel: string, text: string) => {
    mkdirSync(join(repo, rel, '..'), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  const verdict = async (chart: string) => (await versionIncrementFindings(repo)).find((f) => f.chart === chart)!;

  beforeAll(() => {
    repo = join(scratch, 'fixture-repo');
    mkdirSync(repo, { recursive: true });
    git('init', '-q', '-b', 'main');
    write('charts/lib/Chart.yaml', chartYaml('lib', '1.0.0').replace('version:', 'type: library\nversion:'));
    write('charts/app/Chart.yaml', chartYaml('app', '0.1.0', 'dependencies:\n  - name: lib\n    version: 1.0.0\n    repository: file://../lib\n'));
    write('charts/app/templates/cm.yaml', 'kind: ConfigMap\n');
    write('.gitignore', 'charts/*/charts/\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
  });

  it('passes, and says so, while a chart has no release tag', async () => {
    expect(await verdict('app')).toEqual({ chart: 'app', ok: true, message: 'no release tag app-<version> yet: nothing to compare 0.1.0 with' });
  });

  it('fails when a chart changed since its tag and kept its version, naming the file and what to do', async () => {
    git('tag', 'app-0.1.0');
    git('tag', 'lib-1.0.0');
    expect((await verdict('app')).ok).toBe(true);
    write('charts/app/templates/cm.yaml', 'kind: ConfigMap\nmetadata: {}\n');
    const found = await verdict('app');
    expect(found.ok).toBe(false);
    expect(found.message).toContain('charts/app/templates/cm.yaml changed since app-0.1.0, but the version is still 0.1.0');
    expect(found.message).toContain('raise version in charts/app/Chart.yaml');
  });

  it('counts new untracked files and changes to a chart vendored by file://, not ignored build output', async () => {
    git('checkout', '-q', '--', '.');
    write('charts/app/charts/lib-1.0.0.tgz', 'built');
    expect((await verdict('app')).ok).toBe(true);
    write('charts/app/templates/new.yaml', 'kind: Secret\n');
    expect((await verdict('app')).message).toContain('charts/app/templates/new.yaml changed');
    rmSync(join(repo, 'charts/app/templates/new.yaml'));
    write('charts/lib/templates/_h.tpl', '{{- define "lib.x" -}}{{- end -}}\n');
    const app = await verdict('app');
    expect(app.ok).toBe(false);
    expect(app.message).toContain('charts/lib/templates/_h.tpl');
    expect((await verdict('lib')).ok).toBe(false);
  });

  it('passes once the version is raised, and fails when it goes below the tag', async () => {
    write('charts/lib/Chart.yaml', chartYaml('lib', '1.0.1').replace('version:', 'type: library\nversion:'));
    write('charts/app/Chart.yaml', chartYaml('app', '0.1.1', 'dependencies:\n  - name: lib\n    version: 1.0.1\n    repository: file://../lib\n'));
    expect(await verdict('app')).toEqual({ chart: 'app', ok: true, message: 'changed since app-0.1.0; version raised to 0.1.1' });
    expect((await verdict('lib')).ok).toBe(true);
    write('charts/app/Chart.yaml', chartYaml('app', '0.0.9'));
    expect((await verdict('app')).message).toBe('version 0.0.9 is lower than the released app-0.1.0');
  });

  it('uses the highest release tag of exactly this chart (app-extra-2.0.0 is another chart\'s)', async () => {
    write('charts/app/Chart.yaml', chartYaml('app', '0.1.1'));
    git('tag', 'app-extra-2.0.0');
    git('tag', 'app-0.0.5');
    expect((await verdict('app')).message).toBe('changed since app-0.1.0; version raised to 0.1.1');
  });

  it('passes for this repository', async () => {
    const findings = await versionIncrementFindings();
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(findings.map((f) => f.chart).sort()).toEqual(sourceCharts(CHARTS_DIR).map((c) => c.meta.name).sort());
  });
});

describe('upstream CI workflows', () => {
  const dir = join(REPO_ROOT, '.github', 'workflows');
  const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const scripts = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
  const cliCommands = [...readFileSync(join(REPO_ROOT, 'tools', 'package', 'cli.ts'), 'utf8').matchAll(/^ {2}(?:async )?'?([a-z-]+)'?\(/gm)].map((m) => m[1]);

  it.each(workflows)('%s runs only npm scripts and packaging commands that exist', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const workflow = YAML.parse(text) as { on: unknown; jobs: Record<string, { 'runs-on': string; steps: unknown[] }> };
    expect(workflow.on).toBeDefined();
    for (const job of Object.values(workflow.jobs)) {
      expect(job['runs-on']).toBeTruthy();
      expect(job.steps.length).toBeGreaterThan(0);
    }
    for (const m of text.matchAll(/npm run ([a-z:-]+)/g)) expect(scripts, `npm run ${m[1]}`).toContain(m[1]);
    for (const m of text.matchAll(/tools\/package\/cli\.ts ([a-z-]+)/g)) expect(cliCommands, `cli.ts ${m[1]}`).toContain(m[1]);
  });
});
