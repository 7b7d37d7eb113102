// Values of the takhin-broker chart. Takhin settings carry `takhinKey`: the section path and the literal
// (often dotted) key Takhin's loader really matches, so the generated config template writes keys that take effect.
import {
  obj, str, bool, int, num, strEnum, strList, enumList, intList, stringMap, freeform, objectList, unusedInt, unusedBool, common, image, resources,
  workloadSecurity, probe, scheduling, extensions,
} from './blocks.ts';
import { Type } from '@sinclair/typebox';
import { TAKHIN_IMAGE, KAFKA_CLIENT_IMAGE } from './images.ts';

const NOT_WIRED = 'the broker binary never reads it after loading';
const RAFT = 'Raft is never started by the broker binary (no clustering at the pinned version); Takhin still validates it';
const TIERED = 'tiered storage is not wired into the broker';
const AUDIT = 'the broker never creates an audit logger';

const k = (...path: string[]) => path;

/** A DNS-1123 subdomain: what Kubernetes accepts in hostAliases, where the chart puts external names. */
const DNS_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const server = obj(
  {
    port: int(9092, 'Kafka port: Takhin binds and advertises it (it is the default of `advertised.port`).', { minimum: 1, maximum: 65535, takhinKey: k('server', 'port') }),
  },
  { description: 'Takhin `server` section. `server.host` is not the bind address (Takhin binds the advertised host), so the chart does not expose it; TLS is under `tls`.' },
);

const kafka = obj(
  {
    maxMessageBytes: unusedInt(k('kafka', 'max.message.bytes'), 1048576, NOT_WIRED, 'Largest message the broker accepts.'),
    maxConnections: unusedInt(k('kafka', 'max.connections'), 1000, NOT_WIRED, 'Connection limit.'),
    requestTimeoutMs: unusedInt(k('kafka', 'request.timeout.ms'), 30000, NOT_WIRED, 'Request timeout in ms.'),
    connectionTimeoutMs: unusedInt(k('kafka', 'connection.timeout.ms'), 60000, NOT_WIRED, 'Idle connection timeout in ms.'),
    batch: obj(
      {
        maxSize: unusedInt(k('kafka', 'batch', 'max.size'), 0, NOT_WIRED, 'Batch size limit (records).'),
        maxBytes: unusedInt(k('kafka', 'batch', 'max.bytes'), 1048576, NOT_WIRED, 'Batch size limit (bytes).'),
        lingerMs: unusedInt(k('kafka', 'batch', 'linger.ms'), 10, NOT_WIRED, 'Batch linger in ms.'),
        adaptiveMinSize: unusedInt(k('kafka', 'batch', 'adaptive.min.size'), 16, NOT_WIRED, 'Adaptive batching lower bound.'),
        adaptiveMaxSize: unusedInt(k('kafka', 'batch', 'adaptive.max.size'), 10000, NOT_WIRED, 'Adaptive batching upper bound.'),
      },
      { description: 'Takhin `kafka.batch` section. None of it is used by the pinned broker.' },
    ),
  },
  {
    description:
      'Takhin `kafka` section. `broker.id`, `advertised.host`, `advertised.port` and `cluster.brokers` are computed per pod by the chart; `listeners` is not used by Takhin.',
  },
);

const storage = obj(
  {
    logSegmentSize: int(1073741824, 'Size in bytes at which a partition rolls to a new segment.', { minimum: 1, takhinKey: k('storage', 'log.segment.size') }),
    cleanerEnabled: bool(true, 'Run the retention/compaction cleaner. Takhin\'s own default is off, and its documented nested key never loads; the chart writes the literal key so this value takes effect.', { takhinKey: k('storage', 'cleaner.enabled'), onlyWhen: 'cleanerEnabled' }),
    logRetentionHours: int(168, 'Delete segments older than this (needs the cleaner). Takhin replaces 0 with 168, so "keep forever" cannot be expressed; the minimum is 1.', { minimum: 1, takhinKey: k('storage', 'log.retention.hours'), onlyWhen: 'cleanerEnabled' }),
    logRetentionBytes: int(0, 'Delete oldest segments once a partition exceeds this many bytes (needs the cleaner); 0 = no size limit.', { minimum: 0, takhinKey: k('storage', 'log.retention.bytes'), onlyWhen: 'cleanerEnabled' }),
    logCleanupIntervalMs: int(300000, 'How often the cleaner runs, in ms (Takhin uses whole seconds).', { minimum: 1000, takhinKey: k('storage', 'log.cleanup.interval.ms'), onlyWhen: 'cleanerEnabled' }),
    compactionIntervalMs: int(600000, 'How often compaction runs, in ms (needs the cleaner).', { minimum: 1000, takhinKey: k('storage', 'compaction.interval.ms'), onlyWhen: 'cleanerEnabled' }),
    compactionMinCleanableRatio: num(0.5, 'Dirty ratio at which a compacted log is cleaned.', { minimum: 0, maximum: 1, takhinKey: k('storage', 'compaction.min.cleanable.ratio'), onlyWhen: 'cleanerEnabled' }),
    logFlushIntervalMs: unusedInt(k('storage', 'log.flush.interval.ms'), 1000, NOT_WIRED, 'Flush interval in ms.'),
    logFlushMessages: unusedInt(k('storage', 'log.flush.messages'), 10000, NOT_WIRED, 'Flush after this many messages.'),
    encryption: obj(
      {
        enabled: bool(false, 'Encryption at rest. Takhin validates the settings but does not encrypt anything at the pinned version, so the chart refuses to turn it on (and writes nothing for it).'),
      },
      { description: 'Takhin `storage.encryption` section.' },
    ),
    tieredEnabled: unusedBool(k('storage', 'tiered', 'enabled'), TIERED, 'Tiered storage switch.'),
  },
  { description: 'Takhin `storage` section. `data.dir` is set by the chart to the data volume.' },
);

const replication = obj(
  {
    defaultReplicationFactor: int(1, 'Replication factor for topics created with RF <= 0. Takhin brokers do not replicate at the pinned version, so only 1 is accepted.', { minimum: 1, takhinKey: k('replication', 'default.replication.factor') }),
    replicaLagTimeMaxMs: unusedInt(k('replication', 'replica.lag.time.max.ms'), 10000, 'topics hard-code 10000', 'Follower lag before ISR removal.'),
    replicaFetchWaitMaxMs: unusedInt(k('replication', 'replica.fetch.wait.max.ms'), 500, 'no follower ever fetches', 'Follower fetch wait.'),
    replicaFetchMaxBytes: unusedInt(k('replication', 'replica.fetch.max.bytes'), 1048576, 'no follower ever fetches', 'Follower fetch size.'),
  },
  { description: 'Takhin `replication` section.' },
);

const raft = obj(
  {
    heartbeatTimeoutMs: unusedInt(k('raft', 'heartbeat.timeout.ms'), 1000, RAFT, 'Heartbeat timeout (at least 100; Takhin turns 0 into its default).'),
    electionTimeoutMs: unusedInt(k('raft', 'election.timeout.ms'), 3000, RAFT, 'Election timeout (at least the heartbeat timeout; 0 becomes the default).'),
    leaderLeaseTimeoutMs: unusedInt(k('raft', 'leader.lease.timeout.ms'), 500, RAFT, 'Leader lease (at least 100; 0 becomes the default).'),
    commitTimeoutMs: unusedInt(k('raft', 'commit.timeout.ms'), 50, RAFT, 'Commit timeout.'),
    snapshotIntervalMs: unusedInt(k('raft', 'snapshot.interval.ms'), 120000, RAFT, 'Snapshot interval.'),
    snapshotThreshold: unusedInt(k('raft', 'snapshot.threshold'), 8192, RAFT, 'Snapshot threshold.'),
    maxAppendEntries: unusedInt(k('raft', 'max.append.entries'), 64, RAFT, 'Max entries per append.'),
  },
  { description: 'Takhin `raft` section: validated by Takhin at startup, otherwise without effect.' },
);

const logging = obj(
  {
    level: strEnum(['debug', 'info', 'warn', 'error'], 'info', 'Log level. Takhin compares it case-sensitively, so only lower case is accepted.', { takhinKey: k('logging', 'level') }),
    format: strEnum(['json', 'text'], 'json', 'Log format on stdout.', { takhinKey: k('logging', 'format') }),
  },
  { description: 'Takhin `logging` section.' },
);

const metrics = obj(
  {
    port: int(9090, 'Prometheus metrics port. The chart always enables the metrics server.', { minimum: 1, maximum: 65535, takhinKey: k('metrics', 'port') }),
    path: str('/metrics', 'Metrics path (Takhin matches it exactly).', { pattern: '^/', takhinKey: k('metrics', 'path') }),
  },
  { description: 'Takhin `metrics` section; `enabled: true` is always written.' },
);

const health = obj(
  {
    port: int(9091, 'Health server port (probes use it). The chart always enables the health server.', { minimum: 1, maximum: 65535, takhinKey: k('health', 'port') }),
  },
  { description: 'Takhin `health` section; `enabled: true` is always written.' },
);

const profiler = obj(
  {
    enabled: bool(false, 'Serve Go pprof. Unauthenticated: keep it off outside debugging.', { takhinKey: k('profiler', 'enabled'), onlyWhen: 'enabled' }),
    port: int(6060, 'pprof port.', { minimum: 1, maximum: 65535, takhinKey: k('profiler', 'port'), onlyWhen: 'enabled' }),
  },
  { description: 'Takhin `profiler` section.' },
);

const acl = obj(
  {
    enabled: unusedBool(k('acl', 'enabled'), 'its authorizer is built but never consulted, so nothing is protected', 'ACL switch (NOTES.txt warns when it is on).'),
  },
  { description: 'Takhin `acl` section.' },
);

const sasl = obj(
  {
    enabled: bool(false, 'Advertise SASL. The pinned Takhin does not enforce authentication, reads no users file and seeds a fixed admin/admin-secret user (NOTES.txt warns).', { takhinKey: k('sasl', 'enabled'), onlyWhen: 'enabled' }),
    mechanisms: enumList(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'GSSAPI'], ['PLAIN'], 'SASL mechanisms offered (GSSAPI is a placeholder in Takhin).', { minItems: 1, takhinKey: k('sasl', 'mechanisms'), onlyWhen: 'enabled' }),
    cacheEnabled: bool(false, 'Cache authentication results.', { takhinKey: k('sasl', 'cache.enabled'), onlyWhen: 'enabled' }),
    cacheTtlSeconds: int(3600, 'Authentication cache TTL.', { minimum: 1, takhinKey: k('sasl', 'cache.ttl.seconds'), onlyWhen: 'enabled' }),
  },
  { description: 'Takhin `sasl` section.' },
);

const throttle = obj(
  {
    producer: obj(
      {
        enabled: bool(true, 'Limit produce throughput per broker. Takhin replaces 0 with 10 MiB/s, so disabling writes -1, the only value that turns the limiter off.'),
        bytesPerSecond: int(10485760, 'Produce rate limit in bytes per second.', { minimum: 1, takhinKey: k('throttle', 'producer', 'bytes.per.second'), disableFlag: 'enabled' }),
        burst: int(null, 'Burst in bytes; a single produce request larger than this fails. Takhin\'s default: twice the rate.', { minimum: 1, takhinKey: k('throttle', 'producer', 'burst'), renderOnlyWhenSet: true }),
      },
      { description: 'Producer throttle: on by default in Takhin at 10 MiB/s with a 20 MiB burst.' },
    ),
    dynamic: obj(
      {
        enabled: bool(false, 'Adjust the producer rate between minRate and maxRate by utilisation.', { onlyWhen: 'enabled', takhinKey: k('throttle', 'dynamic', 'enabled') }),
        checkIntervalMs: int(5000, 'How often the rate is adjusted.', { minimum: 100, onlyWhen: 'enabled', takhinKey: k('throttle', 'dynamic', 'check.interval.ms') }),
        minRate: int(1048576, 'Lowest producer rate, bytes/s.', { minimum: 1, onlyWhen: 'enabled', takhinKey: k('throttle', 'dynamic', 'min.rate') }),
        maxRate: int(104857600, 'Highest producer rate, bytes/s.', { minimum: 1, onlyWhen: 'enabled', takhinKey: k('throttle', 'dynamic', 'max.rate') }),
        targetUtilPct: num(0.8, 'Target utilisation (0-1).', { minimum: 0, maximum: 1, onlyWhen: 'enabled', takhinKey: k('throttle', 'dynamic', 'target.util.pct') }),
        adjustmentStep: num(0.1, 'Relative step per adjustment (0-1).', { minimum: 0, maximum: 1, onlyWhen: 'enabled', takhinKey: k('throttle', 'dynamic', 'adjustment.step') }),
      },
      { description: 'Dynamic producer throttle.' },
    ),
  },
  { description: 'Takhin `throttle` section. Consumer throttling is not exposed: Takhin\'s fetch path never applies it.' },
);

const audit = obj(
  {
    enabled: unusedBool(k('audit', 'enabled'), AUDIT, 'Broker audit log switch (the console has a working audit log).'),
  },
  { description: 'Takhin `audit` section.' },
);

export const brokerValues = obj(
  {
    ...common(),
    clusterDomain: str('cluster.local', 'Cluster DNS domain, used in every broker\'s advertised host name.', { pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
    image: image(TAKHIN_IMAGE.registry, TAKHIN_IMAGE.repository, TAKHIN_IMAGE.tag, 'the broker (the Takhin image, which also holds the console)'),
    replicas: int(1, 'Number of brokers. At the pinned Takhin each broker is an independent single-node broker with its own topics (no replication or clustering): see NOTES.txt.', { minimum: 1, maximum: 100 }),
    config: obj(
      {
        server, kafka, storage, replication, raft, logging, metrics, health, profiler, acl, sasl, throttle, audit,
        extra: freeform('Raw Takhin settings merged last into takhin.yaml. Write keys exactly as Takhin matches them: a section, then the literal (dotted) key, e.g. `storage: {"log.retention.bytes": 1073741824}`. Keys the chart owns (broker.id, cluster.brokers, advertised.*, data.dir, the metrics/health switches and hosts, server.tls) are refused here.'),
      },
      { description: 'Takhin configuration, rendered into takhin.yaml in the form Takhin reads (literal dotted keys).' },
    ),
    service: obj(
      {
        type: strEnum(['ClusterIP', 'NodePort', 'LoadBalancer'], 'ClusterIP', 'Type of the bootstrap Service. With several brokers it spreads new connections over independent brokers: clients should use per-broker addresses.'),
        port: int(9092, 'Port of the bootstrap Service.', { minimum: 1, maximum: 65535 }),
        annotations: stringMap('Annotations on the bootstrap Service.'),
      },
      { description: 'Bootstrap Service for clients inside the cluster.' },
    ),
    external: obj(
      {
        enabled: bool(false, 'Give every broker its own Service reachable from outside the cluster and advertise that address. Takhin has one listener, so in-cluster clients are then handed the external addresses too.'),
        type: strEnum(['LoadBalancer', 'NodePort'], 'LoadBalancer', 'Kind of per-broker Service.'),
        hosts: Type.Array(Type.String({ pattern: DNS_NAME, maxLength: 253 }), { default: [], description: 'Advertised DNS name of each broker, one per replica (IP literals cannot work: Takhin binds its advertised host). Leave empty to use `domain`.' }),
        domain: str('', 'With no `hosts`, broker i advertises `<fullname>-<i>.<domain>`.', { pattern: `^$|${DNS_NAME}` }),
        externalDns: bool(false, 'Annotate each per-broker Service with `external-dns.alpha.kubernetes.io/hostname` set to that broker\'s advertised host, so external-dns publishes every name.'),
        port: int(9092, 'LoadBalancer port that each broker advertises and listens on.', { minimum: 1, maximum: 65535 }),
        nodePorts: intList([], 'NodePort of each broker, one per replica; each broker advertises and listens on its own node port.', { minimum: 30000, maximum: 32767 }),
        externalTrafficPolicy: strEnum(['Cluster', 'Local'], 'Cluster', 'externalTrafficPolicy of the per-broker Services.'),
        loadBalancerClass: str('', 'loadBalancerClass of the per-broker Services.'),
        loadBalancerSourceRanges: strList([], 'CIDRs allowed to reach the LoadBalancers.'),
        annotations: stringMap('Annotations on every per-broker Service (the same on each; see externalDns for per-broker names).'),
      },
      { description: 'External access, one Service per broker.' },
    ),
    tls: obj(
      {
        enabled: bool(false, 'Serve the Kafka listener over TLS (metrics and health stay plain HTTP).'),
        existingSecret: str('', 'Secret of type kubernetes.io/tls holding tls.crt, tls.key and, for client auth, ca.crt.'),
        certManager: obj(
          {
            enabled: bool(false, 'Create a cert-manager Certificate for every broker name instead of using existingSecret.'),
            issuerRef: obj(
              {
                name: str('', 'Issuer name.'),
                kind: strEnum(['Issuer', 'ClusterIssuer'], 'ClusterIssuer', 'Issuer kind.'),
                group: str('cert-manager.io', 'Issuer API group.'),
              },
              { description: 'The issuer that signs the certificate.' },
            ),
            duration: str('2160h', 'Certificate lifetime.', { pattern: '^[0-9]+h$' }),
            renewBefore: str('360h', 'Renew this long before expiry. Takhin loads certificates only at start: restart brokers after renewal.', { pattern: '^[0-9]+h$' }),
          },
          { description: 'cert-manager Certificate (requires cert-manager in the cluster).' },
        ),
        clientAuth: strEnum(['none', 'request', 'require'], 'none', 'Client certificate mode; `require` needs clientCaSecret.'),
        clientCaSecret: str('', 'Secret with a `ca.crt` key: the CA that signs client certificates. Required when clientAuth is `require`.'),
        minVersion: strEnum(['TLS1.2', 'TLS1.3'], 'TLS1.2', 'Lowest TLS version accepted.'),
        cipherSuites: strList([], 'Go cipher suite names (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); an unknown name stops the broker.'),
      },
      { description: 'TLS for the Kafka listener.' },
    ),
    persistence: obj(
      {
        enabled: bool(true, 'Keep data on a PersistentVolumeClaim per broker. Off = emptyDir: data is lost whenever a pod restarts.'),
        size: str('10Gi', 'Size of each broker\'s claim.', { pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$' }),
        storageClass: str('', 'StorageClass; empty uses `global.storageClass` or the cluster default. "-" requests no class.'),
        accessModes: enumList(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'], ['ReadWriteOnce'], 'Access modes of the claim.', { minItems: 1 }),
        labels: stringMap('Extra labels on the claim template.'),
        annotations: stringMap('Annotations on the claim template.'),
        mountPath: str('/var/lib/takhin/data', 'Where the data volume is mounted; written to Takhin\'s `storage.data.dir`.', { pattern: '^/.+' }),
        retentionPolicy: obj(
          {
            whenDeleted: strEnum(['Retain', 'Delete'], 'Retain', 'Claims of a deleted StatefulSet (helm uninstall).'),
            whenScaled: strEnum(['Retain', 'Delete'], 'Retain', 'Claims of brokers removed by scaling down.'),
          },
          { description: 'persistentVolumeClaimRetentionPolicy of the StatefulSet.' },
        ),
      },
      { description: 'Broker data volume.' },
    ),
    resources: resources({ cpu: '500m', memory: '512Mi' }, { cpu: '2', memory: '2Gi' }, 'each broker. GOMAXPROCS and GOMEMLIMIT (90%) are derived from the limits'),
    ...workloadSecurity(65532),
    startupProbe: probe('startup probe on /health/live (the health port opens only after all topics are loaded)', { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 120 }),
    livenessProbe: probe('liveness probe on /health/live', { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
    readinessProbe: probe('readiness probe: a TCP connection to the Kafka listener (Takhin\'s /health/ready does not check it)', { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
    terminationGracePeriodSeconds: int(30, 'Takhin waits for idle client connections on shutdown and can hang; this bounds it.', { minimum: 5, maximum: 600 }),
    minReadySeconds: int(0, 'Seconds a new broker must be Ready before the rollout moves on.', { minimum: 0 }),
    podManagementPolicy: strEnum(['Parallel', 'OrderedReady'], 'Parallel', 'Brokers are independent, so they start in parallel.'),
    updateStrategy: obj(
      {
        partition: int(0, 'Only brokers with an ordinal >= partition are updated (staged rollouts).', { minimum: 0 }),
        maxUnavailable: int(null, 'Brokers updated at once (StatefulSet maxUnavailable, needs Kubernetes 1.35+ or the feature gate); null = one at a time.', { minimum: 1 }),
      },
      { description: 'RollingUpdate settings of the StatefulSet.' },
    ),
    pdb: obj(
      {
        create: bool(true, 'Create a PodDisruptionBudget when replicas > 1.'),
        maxUnavailable: int(1, 'Brokers that voluntary disruptions may take down at once.', { minimum: 0 }),
      },
      { description: 'PodDisruptionBudget.' },
    ),
    topologySpread: obj(
      {
        enabled: bool(true, 'Spread brokers over zones and nodes.'),
        mode: strEnum(['soft', 'hard'], 'soft', '`soft` prefers spreading (ScheduleAnyway); `hard` refuses to schedule otherwise (DoNotSchedule).'),
        maxSkew: int(1, 'Largest allowed difference in brokers between zones or nodes.', { minimum: 1 }),
        zoneKey: str('topology.kubernetes.io/zone', 'Node label that names the zone.'),
        hostKey: str('kubernetes.io/hostname', 'Node label that names the node.'),
      },
      { description: 'topologySpreadConstraints of the broker pods.' },
    ),
    ...scheduling(),
    networkPolicy: obj(
      {
        enabled: bool(true, 'Allow only the traffic below to reach brokers.'),
        kafkaFrom: objectList('Extra NetworkPolicy peers allowed to reach the Kafka port (pods of the release namespace always are).'),
        allowExternal: bool(true, 'With external access on, allow the Kafka port from anywhere (node ports and load balancers).'),
        metricsNamespace: str('monitoring', 'Namespace whose pods (Prometheus) may scrape the metrics port. A name, not a selector: Helm would merge a selector map into the default and match nothing.', { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }),
        metricsFrom: objectList('Extra NetworkPolicy peers allowed to scrape the metrics port.'),
      },
      { description: 'NetworkPolicy for the broker pods.' },
    ),
    metricsService: obj(
      {
        enabled: bool(true, 'Create the metrics Service (ServiceMonitors select it).'),
        scrapeAnnotations: bool(false, 'Add prometheus.io/scrape, port and path annotations for a Prometheus without the operator.'),
        annotations: stringMap('Extra annotations on the metrics Service.'),
      },
      { description: 'Service in front of every broker\'s metrics port.' },
    ),
    tests: obj(
      {
        connection: bool(true, '`helm test`: check from inside the cluster that the bootstrap address and every advertised address accept TCP connections (Takhin image, busybox nc).'),
        produceConsume: obj(
          {
            enabled: bool(true, '`helm test`: produce and consume one message with acks=1 through the bootstrap address.'),
            image: image(KAFKA_CLIENT_IMAGE.registry, KAFKA_CLIENT_IMAGE.repository, KAFKA_CLIENT_IMAGE.tag, 'the Kafka client test (kcat)'),
          },
          { description: 'Produce/consume test.' },
        ),
      },
      { description: 'Test pods run by `helm test`.' },
    ),
    ...extensions(),
  },
  { description: 'Values of the takhin-broker chart.' },
);
