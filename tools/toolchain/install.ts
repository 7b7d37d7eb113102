// Installs the pinned toolchain. Binaries are built once per machine and version into MACHINE_CACHE and linked
// into the repository's git-ignored .tools/bin, so a second run (or a fresh clone on the same machine) is a no-op.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GO_TOOLS, DEBIAN_TOOLS, type GoToolName } from './versions.ts';
import { MACHINE_CACHE, TOOLS_BIN, TOOLS_DIR } from './paths.ts';
import { ensureKubeSchemas } from './kube-schemas.ts';

export class ToolchainError extends Error {}

type Log = (line: string) => void;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 << 20 });
  if (result.error) throw new ToolchainError(`${cmd} could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new ToolchainError(`${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`);
  return result.stdout;
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function link(target: string, name: string): void {
  const path = join(TOOLS_BIN, name);
  try {
    if (readlinkSync(path) === target) return;
  } catch { /* missing or not a link: replace */ }
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/**
 * Builds one Go tool through a throwaway wrapper module (`go get` + `go build`). `go install pkg@version` would be
 * simpler, but it asks the proxy for the module's version list, which the proxy here refuses for some modules.
 */
function buildGoTool(name: GoToolName, dest: string, log: Log): void {
  const tool = GO_TOOLS[name];
  if (!onPath('go')) throw new ToolchainError(`go is not installed: ${name} ${tool.version} is built from source. Install Go 1.22 or newer (https://go.dev/doc/install, or Debian's golang package) and run npm run setup again.`);
  const work = mkdtempSync(join(tmpdir(), `takhin-${name}-`));
  const started = Date.now();
  try {
    log(`  building ${name} ${tool.version} from ${tool.modulePath} (once per machine; takes a few minutes cold)`);
    const env = { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
    run('go', ['mod', 'init', 'takhin-toolchain-wrapper'], { cwd: work, env });
    run('go', ['get', `${tool.modulePath}@${tool.version}`], { cwd: work, env });
    run('go', ['build', '-trimpath', '-ldflags', tool.ldflags, '-o', join(work, 'out'), tool.pkg], { cwd: work, env });
    mkdirSync(join(dest, '..'), { recursive: true });
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest);
    renameSync(join(work, 'out'), join(dest, name));
    const printed = run(join(dest, name), [...tool.versionArgs]);
    if (!printed.includes(tool.version)) throw new ToolchainError(`${name} was built but reports "${printed.trim()}" instead of ${tool.version}`);
    writeFileSync(join(dest, '.complete'), `${tool.modulePath}@${tool.version}\n`);
    log(`  built ${name} ${tool.version} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function ensureGoTools(log: Log): void {
  for (const name of Object.keys(GO_TOOLS) as GoToolName[]) {
    const tool = GO_TOOLS[name];
    const dest = join(MACHINE_CACHE, 'tools', `${name}-${tool.version}`);
    if (!existsSync(join(dest, '.complete'))) buildGoTool(name, dest, log);
    link(join(dest, name), tool.link);
  }
}

/** chart-testing reads etc/chart_schema.yaml and etc/lintconf.yaml, which `go build` does not install. */
function ensureCtConfig(): void {
  const dest = join(TOOLS_DIR, 'ct');
  if (existsSync(join(dest, '.complete'))) return;
  const ct = GO_TOOLS.ct;
  const info = JSON.parse(run('go', ['mod', 'download', '-json', `${ct.modulePath}@${ct.version}`], { cwd: tmpdir() })) as { Dir?: string };
  if (!info.Dir) throw new ToolchainError(`go mod download ${ct.modulePath}@${ct.version} gave no directory`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const file of ['chart_schema.yaml', 'lintconf.yaml']) cpSync(join(info.Dir, 'etc', file), join(dest, file));
  writeFileSync(join(dest, '.complete'), `${ct.modulePath}@${ct.version}\n`);
}

function ensureDebianTools(log: Log): void {
  const missing = Object.entries(DEBIAN_TOOLS).filter(([cmd]) => !onPath(cmd));
  if (missing.length === 0) return;
  const packages = missing.map(([, t]) => t.package);
  const canApt = onPath('apt-get') && process.getuid?.() === 0;
  if (!canApt) {
    throw new ToolchainError(`missing commands: ${missing.map(([c]) => c).join(', ')}. Install the Debian packages (sudo apt-get install ${packages.join(' ')}) or their equivalents, then run npm run setup again.`);
  }
  log(`  installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  // policy-rc.d 101 keeps the packages' services (prometheus, docker-registry) from being started by the install.
  run('sh', ['-c', `printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && apt-get install -y -qq --no-install-recommends ${packages.join(' ')}; status=$?; rm -f /usr/sbin/policy-rc.d; exit $status`], { env });
  const still = missing.filter(([cmd]) => !onPath(cmd)).map(([c]) => c);
  if (still.length) throw new ToolchainError(`apt-get installed ${packages.join(' ')} but ${still.join(', ')} is still not on PATH`);
}

/** Installs or checks everything; returns quickly when all is in place. */
export async function ensureToolchain(log: Log = (l) => console.error(l)): Promise<void> {
  mkdirSync(TOOLS_BIN, { recursive: true });
  ensureGoTools(log);
  ensureCtConfig();
  ensureDebianTools(log);
  await ensureKubeSchemas(log);
}

/** Absolute path of a toolchain binary, after ensureToolchain. */
export function tool(name: 'helm' | 'helm3' | 'kubeconform' | 'ct'): string {
  const path = join(TOOLS_BIN, name);
  if (!existsSync(path)) throw new ToolchainError(`${path} is missing: run npm run setup`);
  return path;
}
