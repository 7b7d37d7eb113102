// Values of the takhin-console chart. The console is configured only by flags (it reads no environment variables and
// no config file), so there is no takhinKey mapping here: the Deployment renders each flag from these values.
import { Type } from '@sinclair/typebox';
import {
  obj, str, bool, int, strEnum, strList, enumList, stringMap, objectList, common, image, resources,
  workloadSecurity, probe, scheduling, extensions,
} from './blocks.ts';
import { TAKHIN_IMAGE } from './images.ts';

const SIZE = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$';
const HOSTNAME = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const api = obj(
  {
    port: int(8080, 'Port the console serves its REST API, WebSocket and Swagger UI on (`-api-addr=:<port>`). The console always binds every interface: the Service and the kubelet probes reach the pod IP.', { minimum: 1024, maximum: 65535 }),
  },
  { description: 'The console HTTP listener. It has one port and no `/metrics`.' },
);

const auth = obj(
  {
    enabled: bool(true, 'Require an API key on every request (`-enable-auth`) except `GET /api/health` and `/swagger/*`. Turning it off exposes topic data, produce and ACL endpoints to anyone who reaches the port.'),
    existingSecret: str('', 'Secret holding the API keys (comma-separated, as `-api-keys` takes them). Changing the Secret does not restart the pods: roll them yourself.'),
    existingSecretKey: str('api-keys', 'Key of `existingSecret` that holds the comma-separated API keys.', { minLength: 1, pattern: '^[-._a-zA-Z0-9]+$' }),
    apiKeys: Type.Array(Type.String({ minLength: 16, pattern: '^[^,\\s]+$' }), {
      default: [],
      description: 'API keys from which the chart creates a Secret (use `existingSecret` to keep them out of values files). At least 16 characters, no commas or spaces. Pods roll when they change.',
    }),
  },
  { description: 'API key authentication. Keys reach `-api-keys` only through `$(VAR)` expansion of a Secret-backed variable, so no key appears in the pod spec.' },
);

const audit = obj(
  {
    enabled: bool(true, 'Write an audit log of API actions (`-enable-audit`). The console writes it to a file, not to stdout.'),
    path: str('/var/lib/takhin-console/audit/audit.log', 'Audit log file (`-audit-path`). Its directory is an emptyDir (lost when the pod goes), unless the file lies inside `data.mountPath` in standalone mode, where it persists with the data. Outside standalone mode it must not lie inside `data.mountPath`.', { pattern: '^/.+/[^/]+$' }),
    sizeLimit: str('256Mi', 'Size limit of the audit emptyDir. Takhin does not rotate the file: past the limit the kubelet evicts the pod.', { pattern: SIZE }),
  },
  { description: 'The console audit log.' },
);

const brokerSource = obj(
  {
    fullname: str('', 'Fullname of the takhin-broker release whose data the console shows: its StatefulSet and pod-name prefix. Rendered with `tpl`, so an umbrella chart can compute it from its release name (the takhin umbrella does). Required in broker mode (the takhin umbrella chart fills it in).'),
    ordinal: int(0, 'Which broker to show. Brokers do not replicate at the pinned Takhin, so each has its own topics and a console shows one broker: `<fullname>-<ordinal>` and its claim.', { minimum: 0 }),
    claimName: str('', 'PersistentVolumeClaim with the broker data; empty uses the broker chart\'s claim of that broker, `data-<fullname>-<ordinal>`.', { pattern: '^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
    readOnly: bool(true, 'Mount the broker\'s claim read-only (volume and mount). The console has no lock on the broker\'s files and tracks offsets on its own: writing through it (create topic, produce, delete) can corrupt the broker\'s log.'),
    allowWrites: bool(false, 'Required, with `readOnly: false`, to let the console write to the broker\'s files: an explicit acknowledgement of the corruption risk.'),
    snapshot: obj(
      {
        enabled: bool(true, 'At pod start, copy the broker\'s topics from the read-only mount into a scratch emptyDir and let the console open the copy. Needed because Takhin opens every segment file read-write, which a read-only mount refuses; the console\'s own writes then land in the copy. Off: the console opens the read-only mount directly.'),
        sizeLimit: str('10Gi', 'Size limit of the scratch volume; it must hold the broker\'s data (the broker chart\'s default claim is 10Gi). Past the limit the kubelet evicts the pod.', { pattern: SIZE }),
      },
      { description: 'Copy-on-start of the broker data (only with `readOnly: true`).' },
    ),
    colocate: bool(true, 'Schedule the console on the node of the broker pod `<fullname>-<ordinal>` (required pod affinity), so its ReadWriteOnce claim can be mounted by both pods. Turn off only for ReadWriteMany/ReadOnlyMany claims.'),
  },
  { description: 'Broker mode: where the broker data comes from and how it is protected.' },
);

const standalone = obj(
  {
    persistence: obj(
      {
        enabled: bool(true, 'Keep the console\'s own topics on a PersistentVolumeClaim. Off = emptyDir: lost whenever the pod goes.'),
        existingClaim: str('', 'Use this claim instead of creating one.', { pattern: '^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
        size: str('5Gi', 'Size of the created claim.', { pattern: SIZE }),
        storageClass: str('', 'StorageClass; empty uses `global.storageClass` or the cluster default. "-" requests no class.'),
        accessModes: enumList(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'], ['ReadWriteOnce'], 'Access modes of the created claim.', { minItems: 1 }),
        annotations: stringMap('Annotations on the created claim.'),
      },
      { description: 'Volume of the standalone console.' },
    ),
  },
  { description: 'Standalone mode: the console keeps its own topics, separate from any broker.' },
);

const data = obj(
  {
    mode: strEnum(['broker', 'standalone'], 'broker', '`broker`: show a takhin-broker\'s data from its claim (read-only unless you opt in). `standalone`: the console\'s own topics on its own volume. Either way the console loads topics once at start: it sees data written later by the broker only after the pod restarts.'),
    mountPath: str('/var/lib/takhin-console/data', 'The console\'s data directory (`-data-dir`).', { pattern: '^/.+' }),
    broker: brokerSource,
    standalone,
  },
  { description: 'Where the console\'s data comes from. The console never talks to brokers: it opens a Takhin data directory.' },
);

const service = obj(
  {
    type: strEnum(['ClusterIP', 'NodePort', 'LoadBalancer'], 'ClusterIP', 'Service type.'),
    port: int(8080, 'Service port.', { minimum: 1, maximum: 65535 }),
    nodePort: int(null, 'Node port with type NodePort or LoadBalancer; null lets Kubernetes choose.', { minimum: 30000, maximum: 32767 }),
    sessionAffinity: strEnum(['None', 'ClientIP'], 'None', 'REST consumers and produce requests live in one pod\'s memory: with several replicas use ClientIP.'),
    annotations: stringMap('Annotations on the Service.'),
  },
  { description: 'Service in front of the console.' },
);

const ingressPath = obj(
  {
    path: str('/', 'URL path. The console has no base-path setting: it must be served from the root of its host.', { pattern: '^/' }),
    pathType: Type.Optional(strEnum(['Prefix', 'Exact', 'ImplementationSpecific'], 'Prefix', 'Ingress path type; default Prefix.')),
  },
  { description: 'One path of a host.' },
);

const ingress = obj(
  {
    enabled: bool(false, 'Create an Ingress.'),
    className: str('', 'IngressClass name; empty uses the cluster default class.'),
    annotations: stringMap('Annotations on the Ingress (for example cert-manager or controller settings).'),
    hosts: Type.Array(
      obj(
        {
          host: str('', 'Host name.', { pattern: HOSTNAME }),
          paths: Type.Optional(Type.Array(ingressPath, { description: 'Paths routed to the console; default `/` (Prefix).' })),
        },
        { description: 'A host of the Ingress.' },
      ),
      { default: [], description: 'Hosts and paths, e.g. `[{host: console.example.com}]` (paths default to `/`).' },
    ),
    tls: Type.Array(
      obj(
        {
          secretName: str('', 'Secret of type kubernetes.io/tls with the certificate.', { minLength: 1 }),
          hosts: Type.Optional(Type.Array(Type.String({ pattern: HOSTNAME }), { description: 'Host names the certificate covers; each must be one of `ingress.hosts`.' })),
        },
        { description: 'A TLS entry of the Ingress.' },
      ),
      { default: [], description: 'TLS entries: `[{secretName: console-tls, hosts: [console.example.com]}]`.' },
    ),
  },
  { description: 'Ingress in front of the console Service.' },
);

const httpRoute = obj(
  {
    enabled: bool(false, 'Create a Gateway API HTTPRoute (gateway.networking.k8s.io/v1; needs the Gateway API CRDs and a Gateway).'),
    parentRefs: objectList('Gateways the route attaches to, e.g. `[{name: public, namespace: gateway}]`.'),
    hostnames: strList([], 'Host names the route matches; empty matches the listener\'s host names.', {}),
    annotations: stringMap('Annotations on the HTTPRoute.'),
  },
  { description: 'Gateway API HTTPRoute to the console Service (path `/`).' },
);

export const consoleValues = obj(
  {
    ...common(),
    image: image(TAKHIN_IMAGE.registry, TAKHIN_IMAGE.repository, TAKHIN_IMAGE.tag, 'the console (the Takhin image; the chart runs its /usr/local/bin/takhin-console)'),
    replicas: int(1, 'Number of console pods. Only in broker mode with a read-only source: each pod has its own in-memory state and a writable source must have one writer.', { minimum: 1, maximum: 10 }),
    api,
    auth,
    audit,
    data,
    service,
    ingress,
    httpRoute,
    networkPolicy: obj(
      {
        enabled: bool(true, 'Allow only the traffic below to reach the console.'),
        from: objectList('Extra NetworkPolicy peers allowed to reach the console port (pods of the release namespace always are).'),
        allowExternal: bool(true, 'With `service.type` NodePort or LoadBalancer, allow the console port from any source (the Service is exposed on purpose).'),
        ingressControllerNamespace: str('ingress-nginx', 'Namespace of the Ingress or Gateway controller, allowed in when `ingress` or `httpRoute` is enabled; empty adds no rule (use `from`). A name rather than a selector: Helm would merge a selector you give into the default one.', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }),
      },
      { description: 'NetworkPolicy for the console pods.' },
    ),
    resources: resources({ cpu: '100m', memory: '128Mi' }, { cpu: '1', memory: '512Mi' }, 'the console. GOMAXPROCS follows the CPU limit; GOMEMLIMIT is 90% of the memory limit, computed when the chart renders'),
    ...workloadSecurity(65532),
    startupProbe: probe('startup probe on /api/health (the port opens only after every topic is loaded)', { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 120 }),
    livenessProbe: probe('liveness probe on /api/health, the only API path exempt from auth (it walks all topics: keep the period moderate)', { initialDelaySeconds: 0, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 }),
    readinessProbe: probe('readiness probe on /api/health', { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
    pdb: obj(
      {
        create: bool(true, 'Create a PodDisruptionBudget when replicas > 1.'),
        maxUnavailable: int(1, 'Console pods that voluntary disruptions may take down at once.', { minimum: 0 }),
      },
      { description: 'PodDisruptionBudget.' },
    ),
    ...scheduling(),
    tests: obj(
      {
        health: bool(true, '`helm test`: check from inside the cluster that /api/health answers and, with auth on, that /api/topics refuses a request without a key.'),
      },
      { description: 'Test pods run by `helm test`.' },
    ),
    ...extensions(),
  },
  { description: 'Values of the takhin-console chart.' },
);
