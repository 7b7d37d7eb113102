// Policy over rendered pod specs: Pod Security Standards "restricted" field by field, plus the house rules
// (requests and limits, probes on long-running containers, pinned images, no host access, no API token).
// Pure: manifests in, findings out.

export interface PolicyFinding {
  object: string;
  field: string;
  message: string;
}

type Obj = Record<string, any>;

const POD_KINDS: Record<string, (doc: Obj) => Obj | undefined> = {
  Pod: (d) => d.spec,
  Deployment: (d) => d.spec?.template?.spec,
  StatefulSet: (d) => d.spec?.template?.spec,
  DaemonSet: (d) => d.spec?.template?.spec,
  ReplicaSet: (d) => d.spec?.template?.spec,
  Job: (d) => d.spec?.template?.spec,
  CronJob: (d) => d.spec?.jobTemplate?.spec?.template?.spec,
};

/** Long-running workloads need probes; Jobs, CronJobs and `helm test` Pods run to completion. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const ALLOWED_CAPABILITIES = new Set(['NET_BIND_SERVICE']);
const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

export function policyFindings(docs: Obj[]): PolicyFinding[] {
  const out: PolicyFinding[] = [];
  for (const doc of docs) {
    const specOf = POD_KINDS[doc?.kind];
    const spec = specOf?.(doc);
    if (!spec) continue;
    const object = `${doc.kind}/${doc.metadata?.name}`;
    const add = (field: string, message: string) => out.push({ object, field, message });
    const podPath = doc.kind === 'Pod' ? 'spec' : doc.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
    const psc: Obj = spec.securityContext ?? {};

    for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[host]) add(`${podPath}.${host}`, `${host} is forbidden`);
    if (spec.automountServiceAccountToken !== false) add(`${podPath}.automountServiceAccountToken`, 'must be false: no pod of these charts needs the Kubernetes API');
    for (const [i, v] of (spec.volumes ?? []).entries()) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (type && !ALLOWED_VOLUME_TYPES.has(type)) add(`${podPath}.volumes[${i}].${type}`, `volume type ${type} is not allowed by "restricted"`);
    }
    if (psc.runAsUser === 0) add(`${podPath}.securityContext.runAsUser`, 'must not be 0 (root)');
    for (const sysctl of psc.sysctls ?? []) add(`${podPath}.securityContext.sysctls`, `sysctl ${sysctl.name} is not allowed`);

    const groups: [string, Obj[]][] = [['initContainers', spec.initContainers ?? []], ['containers', spec.containers ?? []], ['ephemeralContainers', spec.ephemeralContainers ?? []]];
    for (const [group, containers] of groups) {
      for (const [i, c] of containers.entries()) {
        const at = `${podPath}.${group}[${i}](${c.name})`;
        const sc: Obj = c.securityContext ?? {};
        if (sc.privileged) add(`${at}.securityContext.privileged`, 'privileged containers are forbidden');
        if (sc.allowPrivilegeEscalation !== false) add(`${at}.securityContext.allowPrivilegeEscalation`, 'must be false');
        if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) add(`${at}.securityContext.runAsNonRoot`, 'must be true (in the container or the pod security context)');
        if (sc.runAsUser === 0) add(`${at}.securityContext.runAsUser`, 'must not be 0 (root)');
        const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
        if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') add(`${at}.securityContext.seccompProfile.type`, 'must be RuntimeDefault or Localhost');
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) add(`${at}.securityContext.capabilities.drop`, 'must include ALL');
        for (const cap of sc.capabilities?.add ?? []) if (!ALLOWED_CAPABILITIES.has(cap)) add(`${at}.securityContext.capabilities.add`, `capability ${cap} is not allowed`);
        for (const [p, port] of (c.ports ?? []).entries()) if (port.hostPort) add(`${at}.ports[${p}].hostPort`, 'host ports are forbidden');
        if (group === 'ephemeralContainers') continue;
        for (const kind of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory'] as const) {
            if (c.resources?.[kind]?.[resource] === undefined) add(`${at}.resources.${kind}.${resource}`, `must be set`);
          }
        }
        const image: string = c.image ?? '';
        if (!image.includes('@sha256:')) {
          const tag = /:([^/:]+)$/.exec(image)?.[1];
          if (!tag || tag === 'latest') add(`${at}.image`, `"${image}" must name a tag other than latest, or a digest`);
        }
        if (LONG_RUNNING.has(doc.kind) && group === 'containers') {
          if (!c.livenessProbe) add(`${at}.livenessProbe`, 'long-running containers need a liveness probe');
          if (!c.readinessProbe) add(`${at}.readinessProbe`, 'long-running containers need a readiness probe');
        }
      }
    }
  }
  return out;
}
