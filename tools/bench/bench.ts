// `npm run bench`: the pipeline's overhead against the bare CLI floor, and broker render time as brokers grow.
// Figures are printed as a table and saved as JSON (per commit) under .cache/bench/ for comparison.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { prepare, renderAndValidate } from '../check/pipeline.ts';
import { Summary } from '../check/summary.ts';
import { presetCases } from '../render/cases.ts';
import { helmTemplate, templateArgs } from '../render/helm.ts';
import { tool } from '../toolchain/install.ts';
import { kubeconformSchemaArgs } from '../toolchain/kube-schemas.ts';
import { CHARTS_DIR, REPO_ROOT } from '../toolchain/paths.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';
import { valuesFile } from '../test/render.ts';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The same helm template | kubeconform commands the pipeline runs, back to back in one shell, nothing around them. */
function floorScript(): string {
  const lines = presetCases().flatMap((c) =>
    KUBE_VERSIONS.map((v) => `${tool('helm')} ${templateArgs(c, { kubeVersion: v }).map((a) => `'${a}'`).join(' ')} | ${tool('kubeconform')} -strict -summary -output json -kubernetes-version ${v} ${kubeconformSchemaArgs().map((a) => `'${a}'`).join(' ')} - > /dev/null`),
  );
  return ['set -e', `cd '${REPO_ROOT}'`, ...lines].join('\n');
}

async function main(): Promise<void> {
  await prepare(() => undefined);
  const cases = presetCases();
  const pipeline: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    pipeline.push(await timed(() => renderAndValidate(new Summary([]), cases, () => undefined)));
    floor.push(await timed(() => $({ quiet: true })`bash -c ${floorScript()}`));
  }
  const growth: Record<string, number> = {};
  for (const replicas of [1, 10, 100]) {
    const values = valuesFile({ replicas, external: { enabled: true, type: 'LoadBalancer', domain: 'kafka.example.com' } });
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      times.push(await timed(async () => {
        const r = await helmTemplate({ chartDir: join(CHARTS_DIR, 'broker'), valuesFiles: [values] });
        if (!r.ok) throw new Error(r.stderr);
      }));
    }
    growth[`broker render, ${replicas} brokers (ms)`] = Math.round(median(times));
  }
  const sha = (await $({ cwd: REPO_ROOT, quiet: true, nothrow: true })`git rev-parse --short HEAD`).stdout.trim() || 'unknown';
  const dirty = (await $({ cwd: REPO_ROOT, quiet: true, nothrow: true })`git status --porcelain`).stdout.trim() ? '-dirty' : '';
  const figures: Record<string, number | string> = {
    commit: `${sha}${dirty}`,
    [`render+validate ${cases.length} presets x ${KUBE_VERSIONS.length} Kubernetes versions, tooling (ms)`]: Math.round(median(pipeline)),
    'same commands back to back, floor (ms)': Math.round(median(floor)),
    'ratio tooling/floor (target <= 1.5)': Number((median(pipeline) / median(floor)).toFixed(2)),
    ...growth,
    'growth 100 vs 1 broker (x)': Number((growth['broker render, 100 brokers (ms)']! / growth['broker render, 1 brokers (ms)']!).toFixed(2)),
  };
  const dir = join(REPO_ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const previous = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().pop();
  const before = previous ? (JSON.parse(readFileSync(join(dir, previous), 'utf8')) as Record<string, number | string>) : undefined;
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${sha}${dirty}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`median of ${RUNS} runs; previous: ${previous ?? 'none'}`);
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(width)}  ${String(v).padStart(10)}${before && k in before ? `   (before: ${before[k]})` : ''}`);
  console.log(`saved ${file}`);
}

await main();
