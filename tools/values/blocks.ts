// Building blocks for chart values. A definition built from these IS the JSON Schema (TypeBox), so the
// generated values.schema.json, values.yaml and README table cannot drift apart.
import { Type, type TSchema, type TObject, type TProperties, type SchemaOptions } from '@sinclair/typebox';

/**
 * Tooling-only annotations. They are read by the generators and removed from values.schema.json.
 * - takhinKey: where a value lands in Takhin's config file, as section + literal key (e.g. ['storage', 'log.segment.size']).
 * - takhinUnused: the pinned Takhin reads the key but never acts on it; the generator adds that to the description.
 * - renderOnlyWhenSet: the key is written to takhin.yaml only when the user sets it (default null).
 * - disableFlag: a sibling boolean; when it is false, -1 is written instead (Takhin's only "off" value for limits).
 * - onlyWhen: a sibling boolean; the key is written only when it is true (settings of a feature that is off do nothing).
 */
export interface Annotations {
  takhinKey?: readonly string[];
  takhinUnused?: string;
  renderOnlyWhenSet?: boolean;
  disableFlag?: string;
  onlyWhen?: string;
}
export const TOOLING_KEYS = ['takhinKey', 'takhinUnused', 'renderOnlyWhenSet', 'disableFlag', 'onlyWhen', 'subchart'] as const;

type Opts = SchemaOptions & Annotations & { description: string };

/** A closed object: unknown keys are rejected. Every chart-owned object is one of these. */
export const obj = <P extends TProperties>(properties: P, opts: Opts): TObject<P> =>
  Type.Object(properties, { additionalProperties: false, ...opts });

/** A free-form string map (labels, annotations). */
export const stringMap = (description: string) =>
  Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, description, default: {} });

/** A free-form object whose content Kubernetes or Takhin validates (affinity, passthrough config). */
export const freeform = (description: string, def: unknown = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', description, default: def });

/** A list of Kubernetes objects validated by the API server (extra volumes, sidecars). */
export const objectList = (description: string) =>
  Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object' }), { description, default: [] });

export const str = (def: string, description: string, extra: SchemaOptions & Annotations = {}) =>
  Type.String({ default: def, description, ...extra });

export const bool = (def: boolean, description: string, extra: SchemaOptions & Annotations = {}) =>
  Type.Boolean({ default: def, description, ...extra });

export const int = (def: number | null, description: string, extra: SchemaOptions & Annotations = {}) =>
  def === null
    ? Type.Union([Type.Integer(extra), Type.Null()], { default: null, description, ...annotationsOf(extra) })
    : Type.Integer({ default: def, description, ...extra });

export const num = (def: number | null, description: string, extra: SchemaOptions & Annotations = {}) =>
  def === null
    ? Type.Union([Type.Number(extra), Type.Null()], { default: null, description, ...annotationsOf(extra) })
    : Type.Number({ default: def, description, ...extra });

/** A string restricted to a fixed set of values, rendered as a JSON Schema `enum` (clearer errors than anyOf). */
export const strEnum = <T extends string>(values: readonly T[], def: T, description: string, extra: Annotations = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], default: def, description, ...extra });

export const strList = (def: string[], description: string, extra: SchemaOptions & Annotations = {}) =>
  Type.Array(Type.String(), { default: def, description, ...extra });

/** A list whose items come from a fixed set. */
export const enumList = <T extends string>(values: readonly T[], def: T[], description: string, extra: SchemaOptions & Annotations = {}) =>
  Type.Array(Type.Unsafe<T>({ type: 'string', enum: [...values] }), { default: def, description, ...extra });

export const intList = (def: number[], description: string, item: SchemaOptions = {}) =>
  Type.Array(Type.Integer(item), { default: def, description });

/** A setting Takhin reads but ignores: null by default and only written to takhin.yaml when set. */
export const unusedInt = (takhinKey: readonly string[], takhinDefault: number, why: string, description: string) =>
  int(null, `${description} Takhin's default: ${takhinDefault}.`, { takhinKey, takhinUnused: why, renderOnlyWhenSet: true });

export const unusedBool = (takhinKey: readonly string[], why: string, description: string) =>
  Type.Union([Type.Boolean(), Type.Null()], { default: null, description, takhinKey, takhinUnused: why, renderOnlyWhenSet: true });

function annotationsOf(extra: Annotations): Annotations {
  const out: Annotations = {};
  if (extra.takhinKey) out.takhinKey = extra.takhinKey;
  if (extra.takhinUnused) out.takhinUnused = extra.takhinUnused;
  if (extra.renderOnlyWhenSet) out.renderOnlyWhenSet = extra.renderOnlyWhenSet;
  if (extra.disableFlag) out.disableFlag = extra.disableFlag;
  if (extra.onlyWhen) out.onlyWhen = extra.onlyWhen;
  return out;
}

// ----- Kubernetes-shaped blocks shared by every chart -----

export const global = () =>
  Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    description: 'Values shared with every chart of an umbrella install (Helm passes `global` to all subcharts).',
    properties: {
      imageRegistry: { type: 'string', description: 'Registry that replaces every image registry of the chart.' },
      imagePullSecrets: { type: 'array', items: { type: 'string' }, description: 'Names of pull Secrets added to every pod.' },
      storageClass: { type: 'string', description: 'StorageClass for every volume claim that sets none of its own.' },
      commonLabels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels added to every object.' },
      commonAnnotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Annotations added to every object.' },
    },
    default: {},
  });

export const image = (registry: string, repository: string, tag: string, what: string) =>
  obj(
    {
      registry: str(registry, 'Image registry; `global.imageRegistry` overrides it.'),
      repository: str(repository, 'Image repository.', { minLength: 1 }),
      tag: str(tag, 'Image tag. Ignored when `digest` is set.', { pattern: '^$|^[\\w][\\w.-]{0,127}$' }),
      digest: str('', 'Image digest (`sha256:...`); pins the image and wins over `tag`.', { pattern: '^$|^sha256:[a-f0-9]{64}$' }),
      pullPolicy: strEnum(['Always', 'IfNotPresent', 'Never'], 'IfNotPresent', 'Kubernetes image pull policy.'),
      pullSecrets: strList([], 'Names of Secrets used to pull the image.'),
    },
    { description: `Container image for ${what}.` },
  );

const quantity = Type.Union([Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$' }), Type.Number({ minimum: 0 })]);
const resourceList = (description: string) =>
  Type.Object(
    { cpu: Type.Optional(quantity), memory: Type.Optional(quantity), 'ephemeral-storage': Type.Optional(quantity) },
    { additionalProperties: false, description },
  );

export const resources = (requests: Record<string, string>, limits: Record<string, string>, what: string) =>
  Type.Object(
    { requests: resourceList('Resources the scheduler reserves.'), limits: resourceList('Upper bounds enforced by the kubelet.') },
    {
      additionalProperties: false,
      description: `CPU and memory for ${what}.`,
      default: { requests, limits },
    },
  );

/** The pod-level security context; defaults pass Pod Security Standards "restricted". */
export const podSecurityContext = (uid: number) =>
  freeform('Pod security context. The defaults pass Pod Security Standards "restricted".', {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  });

export const containerSecurityContext = () =>
  freeform('Container security context. The defaults pass Pod Security Standards "restricted".', {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });

/** Pod and container security contexts that pass "restricted", and a ServiceAccount without an API token. */
export const workloadSecurity = (uid: number) => ({
  podSecurityContext: podSecurityContext(uid),
  containerSecurityContext: containerSecurityContext(),
  serviceAccount: serviceAccount(),
});

export const probe = (what: string, d: { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }) =>
  obj(
    {
      enabled: bool(true, `Run the ${what}.`),
      initialDelaySeconds: int(d.initialDelaySeconds, 'Seconds before the first probe.', { minimum: 0 }),
      periodSeconds: int(d.periodSeconds, 'Seconds between probes.', { minimum: 1 }),
      timeoutSeconds: int(d.timeoutSeconds, 'Seconds before a probe times out.', { minimum: 1 }),
      failureThreshold: int(d.failureThreshold, 'Failures in a row before the probe counts as failed.', { minimum: 1 }),
    },
    { description: `The ${what}.` },
  );

export const serviceAccount = () =>
  obj(
    {
      create: bool(true, 'Create a ServiceAccount for the pods.'),
      name: str('', 'Name of the ServiceAccount; generated from the fullname when empty.'),
      annotations: stringMap('Annotations on the ServiceAccount (for example a cloud IAM role).'),
      automountServiceAccountToken: bool(false, 'Mount the API token into pods. Takhin never calls the Kubernetes API, so it stays off.'),
    },
    { description: 'ServiceAccount the pods run as.' },
  );

export const scheduling = () => ({
  nodeSelector: stringMap('Node labels the pods must match.'),
  tolerations: objectList('Tolerations for tainted nodes.'),
  affinity: freeform('Affinity rules, used as given (topology spread below is usually enough).'),
  priorityClassName: str('', 'PriorityClass of the pods.'),
});

export const extensions = () => ({
  podLabels: stringMap('Extra labels on the pods.'),
  podAnnotations: stringMap('Extra annotations on the pods.'),
  extraEnv: objectList('Extra environment variables (Kubernetes EnvVar objects) for the main container.'),
  extraEnvFrom: objectList('Extra envFrom sources (ConfigMap or Secret references) for the main container.'),
  extraVolumes: objectList('Extra pod volumes.'),
  extraVolumeMounts: objectList('Extra volume mounts for the main container.'),
  initContainers: objectList('Extra init containers. Give them a security context that passes "restricted".'),
  sidecars: objectList('Extra containers in the pod. Give them a security context that passes "restricted".'),
});

export const common = () => ({
  global: global(),
  'takhin-common': freeform('Reserved: Helm adds the key of the takhin-common library chart (it has no values).'),
  enabled: bool(true, 'Read only by the takhin umbrella chart (its `condition`); has no effect when this chart is installed alone.'),
  nameOverride: str('', 'Replaces the chart name in object names.', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 40 }),
  fullnameOverride: str('', 'Replaces the generated fullname of every object.', { pattern: '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 48 }),
  commonLabels: stringMap('Labels added to every object of this chart.'),
  commonAnnotations: stringMap('Annotations added to every object of this chart.'),
});

export type { TSchema };
