// `npm run demo`: the charts in a real (local, fake-node) cluster. Starts the control plane, installs the dev preset
// into namespace takhin, prints the release notes and what was created, then keeps the cluster up until Ctrl-C.
// `npm run demo -- --exit` (or CI=true) stops it right after printing.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { type Cluster, startCluster } from '../cluster/cluster.ts';
import { presetCases, RELEASE } from '../render/cases.ts';
import { buildDependencies, helmTemplate } from '../render/helm.ts';
import { ensureToolchain, tool } from '../toolchain/install.ts';
import { REPO_ROOT } from '../toolchain/paths.ts';
import { buildControlPlane } from './build.ts';
import { HELM_TEST_SKIP } from './flows.ts';
import { createRestrictedNamespace, createSecrets, createVolumes, helmError, runHelm, waitArgs } from './harness.ts';
import { claimsOf, externalSecrets } from './prerequisites.ts';
import { parseManifests } from '../render/manifests.ts';

const NAMESPACE = 'takhin';
const PRESET = 'preset/dev';
const exitAfterPrinting = process.argv.includes('--exit') || process.env.CI === 'true';
const log = (line = '') => console.log(line);
const heading = (title: string) => log(`\n===== ${title} ${'='.repeat(Math.max(0, 100 - title.length))}`);

async function main(): Promise<number> {
  log('toolchain and chart dependencies');
  await ensureToolchain(log);
  await buildDependencies();
  log('control plane binaries (tools/cluster/build.sh; a cold build takes tens of minutes, once)');
  const build = await buildControlPlane(log);
  log(`control plane build: ${build.report}`);
  const kubectl = join(build.binDir, 'kubectl');

  const preset = presetCases().find((p) => p.id === PRESET);
  if (!preset) throw new Error(`${PRESET} not found in values-examples/`);

  const cluster: Cluster = await startCluster({ log: (s) => log(`control plane: ${s}`) });
  try {
    const rendered = await helmTemplate({ ...preset, apiVersions: [] });
    if (!rendered.ok) throw new Error(`helm template ${PRESET} failed: ${helmError(rendered)}`);
    const docs = parseManifests(rendered.stdout);
    await createRestrictedNamespace(cluster, NAMESPACE);
    const claims = claimsOf(docs);
    await createVolumes(cluster, NAMESPACE, claims);
    const values = preset.valuesFiles.map((f) => YAML.parse(readFileSync(join(REPO_ROOT, f), 'utf8')));
    await createSecrets(cluster, NAMESPACE, externalSecrets(docs, values));
    log(`namespace ${NAMESPACE} enforces Pod Security "restricted"; ${claims.length} PersistentVolume(s) created for the broker claims (no provisioner runs here)`);

    const valuesArgs = preset.valuesFiles.flatMap((f) => ['--values', f]);
    const chart = relative(REPO_ROOT, preset.chartDir);
    log(`helm install ${RELEASE} ${chart} --namespace ${NAMESPACE} ${valuesArgs.join(' ')} ${waitArgs('helm', { rollbackOnFailure: true }).join(' ')}`);
    const installed = await runHelm(cluster, 'helm', ['install', RELEASE, preset.chartDir, '--namespace', NAMESPACE, ...valuesArgs, ...waitArgs('helm', { rollbackOnFailure: true })]);
    if (!installed.ok) throw new Error(`helm install failed: ${installed.stderr.trim()}`);

    heading(`helm status ${RELEASE} -n ${NAMESPACE}`);
    const status = await runHelm(cluster, 'helm', ['status', RELEASE, '--namespace', NAMESPACE]);
    log(status.ok ? status.stdout.trimEnd() : helmError(status));

    heading(`kubectl get all,pvc,cm,secret,networkpolicy -n ${NAMESPACE}`);
    const got = await promisify(execFile)(kubectl, ['--kubeconfig', cluster.kubeconfig, 'get', 'all,pvc,cm,secret,networkpolicy', '-n', NAMESPACE]);
    log(got.stdout.trimEnd());

    heading('what this cluster is');
    log('A real kube-apiserver (with Pod Security admission), etcd, controller-manager and scheduler; kwok plays the');
    log('kubelets of 3 fake nodes (zones a, b, c). No container runs: pods are marked Running/Ready without starting,');
    log('probes are not executed, volumes are not mounted, and pod IPs are fake (nothing answers on them).');
    log(HELM_TEST_SKIP);
    log(`processes: ${cluster.processes.map((p) => `${p.name} pid ${p.pid}`).join(', ')}`);

    heading('tear down');
    if (exitAfterPrinting) {
      log(`--exit${process.env.CI === 'true' ? ' (CI=true)' : ''}: stopping the control plane now. Run \`npm run demo\` without it to keep the cluster up until Ctrl-C.`);
      return 0;
    }
    log('The cluster keeps running. Meanwhile, in another terminal:');
    log(`  export KUBECONFIG=${cluster.kubeconfig}`);
    log(`  ${kubectl} get pods -n ${NAMESPACE}`);
    log(`  ${tool('helm')} status ${RELEASE} -n ${NAMESPACE}`);
    log(`To tear it down, press Ctrl-C here: every process above is stopped by its pid and ${cluster.dir} is deleted.`);
    log(`(To remove only the release: helm uninstall ${RELEASE} -n ${NAMESPACE}; its claim stays, as the chart retains broker data.)`);
    // Until Ctrl-C, whose handler in tools/cluster/cluster.ts stops the processes and removes the directory.
    await new Promise(() => setInterval(() => {}, 60_000));
    return 0;
  } finally {
    await cluster.stop();
    log('control plane stopped; its temporary directory is deleted');
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
