/**
 * Pushes packaged charts to an OCI registry. Published versions are immutable: a version that already exists in
 * the registry is never pushed again. Every archive is checked before the first push, so a refused run pushes
 * nothing. With `skipExisting`, a version whose archive in the registry is byte-identical to the local one (which
 * reproducible packaging makes the normal case for an unchanged chart) is skipped instead of refused; a version
 * that exists with different content is always refused.
 *
 * The check and the push are two requests: a concurrent publisher could push in between. Registries that can make
 * tags immutable (Harbor, ECR, ACR, Artifactory) close that gap; the release workflow runs one publish at a time.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { archiveName, sourceCharts } from './charts.ts';
import { helm } from './exec.ts';
import { DIST_DIR, type Log } from './package.ts';

export interface PublishOptions {
  /** Talk HTTP instead of HTTPS (a local registry). */
  plainHttp?: boolean;
  skipExisting?: boolean;
  /** helm's environment; the caller's by default, where `helm registry login` keeps credentials. */
  env?: NodeJS.ProcessEnv;
  log?: Log;
}

export interface Archive {
  name: string;
  version: string;
  file: string;
}

export interface Published {
  name: string;
  version: string;
  /** `oci://…/<name>`, the reference to install from. */
  ref: string;
  /** Manifest digest: `helm install <ref>@<digest>` installs exactly this. Absent when skipped. */
  digest?: string;
  status: 'pushed' | 'skipped';
}

export class PublishRefused extends Error {}

/** The archives `npm run package` wrote for the charts' current versions, or an error naming what is missing. */
export function distArchives(distDir: string = DIST_DIR, chartsDir: string = CHARTS_DIR): Archive[] {
  const archives = sourceCharts(chartsDir).map((c) => ({ name: c.meta.name, version: c.meta.version, file: join(distDir, archiveName(c.meta)) }));
  const missing = archives.filter((a) => !existsSync(a.file));
  if (missing.length) {
    const present = existsSync(distDir) ? readdirSync(distDir).filter((f) => f.endsWith('.tgz')) : [];
    throw new Error(`missing ${missing.map((a) => relative(REPO_ROOT, a.file)).join(', ')} (present: ${present.join(', ') || 'none'}): run npm run package first`);
  }
  return archives;
}

/** `oci://host[:port]/path`, without a trailing slash or a tag. */
export function parseTarget(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  if (!/^oci:\/\/[^/\s]+(\/[^\s:@]+)*$/.test(trimmed)) {
    throw new Error(`"${target}" is not an OCI registry location: give oci://<registry>/<prefix>, e.g. oci://ghcr.io/takhin-data/charts`);
  }
  return trimmed;
}

const NOT_FOUND = /: not found\s*$|manifest unknown|name unknown|repository name not known/im;

export function digestIn(output: string): string | undefined {
  return /^Digest: (sha256:[0-9a-f]{64})\s*$/m.exec(output)?.[1];
}

/** The archive stored in the registry under this version, or undefined when the version does not exist there. */
export async function remoteArchive(target: string, a: Pick<Archive, 'name' | 'version'>, opts: PublishOptions = {}): Promise<Buffer | undefined> {
  const scratch = mkdtempSync(join(tmpdir(), 'takhin-pull-'));
  try {
    const args = ['pull', `${target}/${a.name}`, '--version', a.version, '--destination', scratch, ...(opts.plainHttp ? ['--plain-http'] : [])];
    const result = await helm(args, opts.env ?? process.env);
    if (result.ok) return readFileSync(join(scratch, archiveName(a)));
    if (NOT_FOUND.test(result.stderr)) return undefined;
    const hint = /server gave HTTP response to HTTPS client/.test(result.stderr) ? '\nThe registry speaks plain HTTP: pass --plain-http.' : '';
    throw new Error(`could not tell whether ${a.name} ${a.version} exists in ${target}, so nothing was pushed:\n${result.stderr.trim()}${hint}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function publishCharts(targetArg: string, archives: Archive[], opts: PublishOptions = {}): Promise<Published[]> {
  const target = parseTarget(targetArg);
  const log = opts.log ?? (() => undefined);
  const env = opts.env ?? process.env;
  const toPush: Archive[] = [];
  const skipped: Published[] = [];
  const refusals: string[] = [];
  for (const a of archives) {
    const remote = await remoteArchive(target, a, opts);
    if (!remote) toPush.push(a);
    else if (!readFileSync(a.file).equals(remote)) {
      refusals.push(`${a.name} ${a.version} already exists in ${target} with different content`);
    } else if (opts.skipExisting) {
      skipped.push({ name: a.name, version: a.version, ref: `${target}/${a.name}`, status: 'skipped' });
    } else {
      refusals.push(`${a.name} ${a.version} already exists in ${target}`);
    }
  }
  if (refusals.length) {
    throw new PublishRefused(
      `refused: published versions are immutable, and nothing was pushed:\n${refusals.map((r) => `  - ${r}`).join('\n')}\n` +
        'Raise `version` in the chart\'s Chart.yaml and add a CHANGELOG.md section for it, then npm run package again' +
        (opts.skipExisting ? '.' : ', or pass --skip-existing to push only the versions the registry does not have yet.'),
    );
  }
  const pushed: Published[] = [];
  for (const a of toPush) {
    const result = await helm(['push', a.file, target, ...(opts.plainHttp ? ['--plain-http'] : [])], env);
    const output = result.stdout + result.stderr;
    const digest = digestIn(output);
    if (!result.ok || !digest) {
      const done = pushed.map((p) => `${p.name} ${p.version}`).join(', ');
      throw new Error(`helm push ${relative(REPO_ROOT, a.file)} ${target} failed${done ? ` (already pushed: ${done})` : ''}:\n${output.trim()}`);
    }
    pushed.push({ name: a.name, version: a.version, ref: `${target}/${a.name}`, digest, status: 'pushed' });
    log(`  pushed ${a.name} ${a.version} ${digest}`);
  }
  return [...pushed, ...skipped];
}
