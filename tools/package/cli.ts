// Packaging and publishing: `tsx tools/package/cli.ts <command>`; `npm run package` and `npm run publish` call it.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../toolchain/paths.ts';
import { ensureToolchain } from '../toolchain/install.ts';
import { cleanDist, DIST_DIR, packageCharts, type SignOptions } from './package.ts';
import { distArchives, publishCharts, PublishRefused } from './publish.ts';
import { releaseTags, versionIncrementFindings } from './version-check.ts';

const log = (line: string) => console.log(line);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** A signing key from flags or the environment (the CI secret names), or none. */
function signOptions(values: { 'sign-key'?: string; keyring?: string; 'passphrase-file'?: string }): SignOptions | undefined {
  const key = values['sign-key'] ?? process.env.CHART_SIGN_KEY;
  const keyring = values.keyring ?? process.env.CHART_SIGN_KEYRING;
  const passphraseFile = values['passphrase-file'] ?? process.env.CHART_SIGN_PASSPHRASE_FILE;
  if (!key && !keyring) return undefined;
  if (!key || !keyring) throw new Error('signing needs both a key name (--sign-key or CHART_SIGN_KEY) and a keyring file (--keyring or CHART_SIGN_KEYRING)');
  return passphraseFile ? { key, keyring, passphraseFile } : { key, keyring };
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  /** Every chart into dist/, dependencies inside, reproducibly; signed when a key is configured. */
  async package(args) {
    const { values } = parseArgs({ args, options: { 'sign-key': { type: 'string' }, keyring: { type: 'string' }, 'passphrase-file': { type: 'string' } } });
    await ensureToolchain(log);
    const sign = signOptions(values);
    cleanDist();
    log(`packaging into ${relative(REPO_ROOT, DIST_DIR)}/${sign ? ` (signing with key "${sign.key}")` : ''}`);
    const packaged = await packageCharts({ sign, log: (l) => (/^ {2}(note|warning):/.test(l) ? log(l) : undefined) });
    log(table([['chart', 'version', 'sha256', 'archive'], ...packaged.map((p) => [p.name, p.version, p.sha256, relative(REPO_ROOT, p.file) + (p.provenance ? ' (+ .prov)' : '')])]));
    return 0;
  },

  /** Pushes dist/ to `oci://<registry>/<prefix>`; refuses versions the registry already has. */
  async publish(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'plain-http': { type: 'boolean' }, 'skip-existing': { type: 'boolean' }, json: { type: 'string' } } });
    const target = positionals[0];
    if (!target || positionals.length > 1) {
      console.error('usage: npm run publish -- oci://<registry>/<prefix> [--plain-http] [--skip-existing] [--json <file>]');
      return 2;
    }
    await ensureToolchain(log);
    const archives = distArchives();
    log(`publishing ${archives.length} charts to ${target}`);
    try {
      const results = await publishCharts(target, archives, { plainHttp: values['plain-http'], skipExisting: values['skip-existing'] });
      log(table([['chart', 'version', 'digest', 'status'], ...results.map((r) => [r.name, r.version, r.digest ?? '-', r.status === 'pushed' ? 'pushed' : 'already published, identical'])]));
      for (const r of results.filter((x) => x.digest)) log(`  helm install <release> ${r.ref}@${r.digest}`);
      // For the release workflow: what to sign and tag.
      if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof PublishRefused) {
        console.error(error.message);
        return 1;
      }
      throw error;
    }
  },

  /** Fails when a chart changed since its last `<chart>-<version>` tag without a higher version. */
  async 'check-versions'() {
    const findings = await versionIncrementFindings();
    for (const f of findings) log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.chart}: ${f.message}`);
    return findings.every((f) => f.ok) ? 0 : 1;
  },

  /** The release tags (`<chart>-<version>`) of the current versions, one a line, for the release workflow. */
  async tags() {
    for (const tag of releaseTags()) log(tag);
    return 0;
  },
};

const [name = '', ...rest] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  console.error(`usage: tsx tools/package/cli.ts <${Object.keys(commands).join('|')}>`);
  process.exit(2);
}
try {
  process.exitCode = await command(rest);
} catch (error) {
  console.error(`\n${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
