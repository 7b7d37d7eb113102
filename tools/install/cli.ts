// `npm run test:install`: installs every preset into a real control plane (tools/cluster/) with Helm 4, one with
// Helm 3, and cases the API server must refuse; ends with the step-time table and the summary table.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type Cluster, startCluster } from '../cluster/cluster.ts';
import { Summary } from '../check/summary.ts';
import { presetCases } from '../render/cases.ts';
import { buildDependencies, pool } from '../render/helm.ts';
import { ensureToolchain } from '../toolchain/install.ts';
import { REPO_ROOT } from '../toolchain/paths.ts';
import { buildControlPlane, type ControlPlaneBuild } from './build.ts';
import { type Base, type FlowContext, helm3Lifecycle, HELM_TEST_SKIP, prepareBase, presetLifecycle, restrictedViolation } from './flows.ts';
import { installCrds } from './harness.ts';
import { seconds, Timings } from './report.ts';
import { Steps } from './steps.ts';

const log = (line: string) => console.log(line);
const CONTROL_PLANE = 'control plane';
/** Preset installed with Helm 3 too, and by the demo. */
const SMALL_PRESET = 'preset/dev';
/** Cases run two at a time: the machines have two cores, and most of a step is waiting for controllers. */
const PARALLEL = 2;

const COLUMNS = ['build', 'start', 'crds', 'prepare', 'install', 'upgrade', 'back', 'rollback', 'immutable', 'helm test', 'uninstall',
  'prev install', 'prev upgrade', 'rejected', 'control', 'stop', 'demo'];

function finish(summary: Summary, timings: Timings, build: ControlPlaneBuild | undefined, started: number): number {
  const sections = [`Wall time per step:\n\n${timings.table()}`];
  if (build) sections.push(`control plane build: ${build.report} (build.sh ran ${seconds(build.ms)} in this run)`);
  return summary.print(started, sections);
}

/** `npm run demo -- --exit` as a user would run it, in CI mode; its control plane must be gone afterwards. */
async function demoStep(steps: Steps): Promise<void> {
  await steps.run('demo', 'demo', async (check, rowLog) => {
    const out = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, 'tools', 'install', 'demo.ts'), '--exit'],
        { cwd: REPO_ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, text }));
    });
    for (const line of out.text.trimEnd().split('\n')) rowLog(`  | ${line}`);
    check(out.code === 0, 'npm run demo -- --exit exits 0', `exit ${out.code}`);
    check(/^NOTES:/m.test(out.text) && /Takhin release "takhin" in namespace takhin/.test(out.text), 'prints the release notes');
    check(/statefulset\.apps\/takhin-broker\s+1\/1/.test(out.text) && /persistentvolumeclaim\/data-takhin-broker-0\s+Bound/.test(out.text), 'prints kubectl get: broker 1/1, claim Bound');
    check(out.text.includes(HELM_TEST_SKIP), 'says helm test cannot run here');
    check(/tear/i.test(out.text) && /Ctrl-C/.test(out.text), 'says how to tear it down');
    const pids = [...out.text.matchAll(/\b([\w-]+) pid (\d+)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
    const alive = pids.filter(({ pid }) => isAlive(pid));
    check(pids.length >= 5 && alive.length === 0, `its ${pids.length} control-plane processes are gone`, alive.map((p) => `${p.name} ${p.pid}`).join(', ') || `${pids.length} pids printed`);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const summary = new Summary(COLUMNS);
  const timings = new Timings();
  const steps = new Steps(summary, timings, log);

  log('toolchain (helm 4, helm 3) and chart dependencies');
  await ensureToolchain(log);
  await buildDependencies();

  log('control plane binaries: tools/cluster/build.sh (cached by version; a cold build takes tens of minutes)');
  let build: ControlPlaneBuild | undefined;
  await steps.run(CONTROL_PLANE, 'build', async (check) => {
    build = await buildControlPlane(log);
    check(true, build.report);
  });
  if (!build) return finish(summary, timings, build, started);

  let cluster: Cluster | undefined;
  await steps.run(CONTROL_PLANE, 'start', async (check, rowLog) => {
    cluster = await startCluster({ log: rowLog });
    check(true, `etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok on 127.0.0.1 (${cluster.processes.map((p) => `${p.name} pid ${p.pid}`).join(', ')})`);
  });
  if (!cluster) return finish(summary, timings, build, started);

  let base: Base | undefined;
  try {
    let servedApis: string[] = [];
    await steps.run(CONTROL_PLANE, 'crds', async (check, rowLog) => {
      servedApis = await installCrds(cluster as Cluster, rowLog);
      check(true, `CRDs Established, serving ${servedApis.join(', ')}`);
    });
    base = await prepareBase(log);
    if ('reason' in base) log(`no previous chart version: ${base.reason}`);
    const ctx: FlowContext = { cluster, steps, servedApis, base };
    const presets = presetCases();
    if (presets.length === 0) throw new Error('no presets found in values-examples/');
    const small = presets.find((p) => p.id === SMALL_PRESET);
    if (!small) throw new Error(`${SMALL_PRESET} not found in values-examples/`);
    // Slowest first (rolling updates wait minReadySeconds per broker), so the quick cases fill the other slot.
    const bySlowness = [...presets].sort((a, b) => Number(b.id === 'preset/high-durability') - Number(a.id === 'preset/high-durability'));
    const jobs: (() => Promise<void>)[] = [
      ...bySlowness.map((p) => () => presetLifecycle(ctx, p)),
      () => helm3Lifecycle(ctx, small),
      () => restrictedViolation(ctx),
    ];
    log(`${jobs.length} cases, ${PARALLEL} at a time, each in its own namespace labelled pod-security.kubernetes.io/enforce=restricted`);
    await pool(jobs, PARALLEL, (job) => job());
  } finally {
    if (base && !('reason' in base)) base.cleanup();
    const { processes } = cluster;
    await steps.run(CONTROL_PLANE, 'stop', async (check) => {
      await (cluster as Cluster).stop();
      const alive = processes.filter((p) => isAlive(p.pid));
      check(alive.length === 0, `every process stopped by its pid (${processes.map((p) => p.pid).join(', ')})`, alive.map((p) => `${p.name} ${p.pid}`).join(', '));
    }, { always: true });
  }

  await demoStep(steps);
  return finish(summary, timings, build, started);
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`\ntest:install failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
}
