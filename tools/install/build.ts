// Runs tools/cluster/build.sh (cold: builds the control plane from source; warm: reuses the cache) and says which.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTROL_PLANE } from '../toolchain/versions.ts';

export const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'cluster', 'build.sh');

export interface ControlPlaneBuild {
  binDir: string;
  /** Wall time of build.sh in this run. */
  ms: number;
  /** `cold build took 1490s` as build.sh printed it, or `reused cache built at <date>`. */
  report: string;
  cold: boolean;
}

/** Streams build.sh's output through `log` (a cold build runs for tens of minutes) and returns its bin directory. */
export function buildControlPlane(log: (line: string) => void): Promise<ControlPlaneBuild> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...CONTROL_PLANE } });
    const lines: string[] = [];
    let stderrTail = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        log(`  ${line}`);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      for (const line of chunk.split('\n').filter(Boolean)) log(`  ${line}`);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (partial) lines.push(partial);
      if (code !== 0) return reject(new Error(`${BUILD_SCRIPT} exited ${code}:\n${stderrTail.trim()}`));
      const binDir = lines.filter(Boolean).at(-1) ?? '';
      const coldLine = lines.find((l) => /^cold build took \d+s$/.test(l));
      const builtAt = () => statSync(join(binDir, '.complete')).mtime.toISOString().replace(/\.\d+Z$/, 'Z');
      resolve({ binDir, ms: Date.now() - started, cold: !!coldLine, report: coldLine ?? `reused cache built at ${builtAt()}` });
    });
  });
}
