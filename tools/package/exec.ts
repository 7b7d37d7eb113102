// The processes packaging and publishing run: helm (with an explicit environment) and git. Thin on purpose.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tool } from '../toolchain/install.ts';
import { REPO_ROOT } from '../toolchain/paths.ts';

export interface RunResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const spawnError = error && typeof error.code === 'string' ? `${bin} could not be run: ${error.message}\n` : '';
      resolve({ ok: !error, code, stdout, stderr: spawnError + stderr });
    });
  });
}

/**
 * Helm's state directories, all under `root`: packaging and tests use a private one so that nothing depends on
 * the user's helm config; publishing keeps the caller's (that is where `helm registry login` stored credentials).
 */
export function isolatedHelmEnv(root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CONFIG_HOME: join(root, 'config'),
    HELM_CACHE_HOME: join(root, 'cache'),
    HELM_DATA_HOME: join(root, 'data'),
    HELM_CONTENT_CACHE: join(root, 'content'),
  };
}

/** Runs the pinned Helm 4 (`.tools/bin/helm`). */
export function helm(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<RunResult> {
  return run(tool('helm'), args, { env, cwd });
}

/** Runs helm and throws with its own message and the command line when it fails. */
export async function helmOk(args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<string> {
  const result = await helm(args, env, cwd);
  if (!result.ok) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr.trim()}`);
  return result.stdout;
}

export async function git(args: string[], cwd: string = REPO_ROOT): Promise<RunResult> {
  return run('git', args, { cwd });
}
