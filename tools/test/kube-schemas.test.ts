import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKubeSchemas, kubeconformSchemaArgs } from '../toolchain/kube-schemas.ts';
import { coreSchemasFromSwagger, crdSchemas, schemaFileName, type Schema } from '../toolchain/openapi-to-kubeconform.ts';
import { KUBE_SCHEMA_DIR, TOOLS_BIN } from '../toolchain/paths.ts';
import { KUBE_VERSIONS } from '../toolchain/versions.ts';

// Same keyword semantics as kubeconform's draft-04 engine for everything the converter emits.
const ajv = new Ajv({ strict: false, allErrors: true });
const accepts = (schema: Schema | undefined, value: unknown) => ajv.validate(schema ?? { not: {} }, value);

const swagger = {
  definitions: {
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
    'demo.Widget': {
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        spec: { $ref: '#/definitions/demo.WidgetSpec', description: 'the field, not the type' },
      },
      'x-kubernetes-group-version-kind': [{ group: 'demo.example.io', version: 'v1', kind: 'Widget' }],
    },
    'demo.WidgetSpec': {
      type: 'object',
      required: ['port'],
      properties: {
        port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
        size: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        note: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        tree: { $ref: '#/definitions/demo.Node' },
      },
    },
    // Recursive, like JSONSchemaProps.
    'demo.Node': {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/demo.Node' } } },
    },
    'demo.Options': {
      type: 'object',
      properties: { kind: { type: 'string' } },
      'x-kubernetes-group-version-kind': [
        { group: '', version: 'v1', kind: 'Options' },
        { group: 'admission.k8s.io', version: 'v1', kind: 'Options' },
      ],
    },
  },
};

const widget = (spec: unknown) => ({ apiVersion: 'demo.example.io/v1', kind: 'Widget', spec });

describe('coreSchemasFromSwagger', () => {
  const schemas = coreSchemasFromSwagger(swagger);
  const widgetSchema = schemas.get('widget-demo-v1.json');

  it('writes one file per group/version/kind, named as kubeconform looks it up', () => {
    expect([...schemas.keys()].sort()).toEqual(['options-admission-v1.json', 'options-v1.json', 'widget-demo-v1.json']);
    expect(schemaFileName('Deployment', 'apps', 'v1')).toBe('deployment-apps-v1.json');
    expect(schemaFileName('Service', '', 'v1')).toBe('service-v1.json');
    expect(schemaFileName('Ingress', 'networking.k8s.io', 'v1')).toBe('ingress-networking-v1.json');
    expect(schemaFileName('PodDisruptionBudget', 'policy', 'v1')).toBe('poddisruptionbudget-policy-v1.json');
  });

  it('inlines every $ref, keeping the field description', () => {
    expect(JSON.stringify(widgetSchema)).not.toContain('$ref');
    expect((widgetSchema?.properties as Record<string, Schema>).spec?.description).toBe('the field, not the type');
  });

  it('rejects unknown fields in objects that list their properties, at any depth', () => {
    expect(accepts(widgetSchema, widget({ port: 1 }))).toBe(true);
    expect(accepts(widgetSchema, widget({ port: 1, typo: true }))).toBe(false);
    expect(accepts(widgetSchema, widget({ port: 1, tree: { name: 'a', typo: 1 } }))).toBe(false);
  });

  it('keeps maps open', () => {
    expect(accepts(widgetSchema, widget({ port: 1, labels: { any: 'thing' } }))).toBe(true);
    expect(accepts(widgetSchema, widget({ port: 1, labels: { any: 1 } }))).toBe(false);
  });

  it('takes an int-or-string as a name or a whole number', () => {
    expect(accepts(widgetSchema, widget({ port: 'http' }))).toBe(true);
    expect(accepts(widgetSchema, widget({ port: 8080 }))).toBe(true);
    expect(accepts(widgetSchema, widget({ port: 80.5 }))).toBe(false);
    expect(accepts(widgetSchema, widget({ port: true }))).toBe(false);
  });

  it('takes a quantity as a string or any number', () => {
    for (const size of ['100m', '1Gi', 1, 0.5]) expect(accepts(widgetSchema, widget({ port: 1, size }))).toBe(true);
    expect(accepts(widgetSchema, widget({ port: 1, size: [] }))).toBe(false);
  });

  it('lets optional fields be null but not required ones', () => {
    expect(accepts(widgetSchema, widget({ port: 1, note: null, size: null, tree: null }))).toBe(true);
    expect(accepts(widgetSchema, widget({ port: null }))).toBe(false);
    expect(accepts(widgetSchema, widget(null))).toBe(false);
  });

  it('cuts recursion one level down, accepting anything there', () => {
    const deep = { children: [{ children: [{ anything: 'goes', children: 'even this' }] }] };
    expect(accepts(widgetSchema, widget({ port: 1, tree: deep }))).toBe(true);
  });

  it('pins apiVersion and kind, since kubeconform picks the file by the first group segment only', () => {
    expect(accepts(widgetSchema, { ...widget({ port: 1 }), apiVersion: 'demo.other.io/v1' })).toBe(false);
    expect(accepts(widgetSchema, { ...widget({ port: 1 }), kind: 'Gadget' })).toBe(false);
    expect(accepts(schemas.get('options-admission-v1.json'), { apiVersion: 'admission.k8s.io/v1', kind: 'Options' })).toBe(true);
  });

  it('refuses a swagger without definitions', () => {
    expect(() => coreSchemasFromSwagger({ openapi: '3.0.0' })).toThrow(/definitions/);
  });
});

describe('crdSchemas', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.things.example.io' },
    spec: {
      group: 'things.example.io',
      names: { kind: 'Gadget' },
      versions: [
        {
          name: 'v1',
          served: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  required: ['port'],
                  properties: {
                    port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
                    endpoints: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' } } } },
                    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
                    labels: { type: 'object', additionalProperties: { type: 'string' } },
                    reason: { type: 'string', nullable: true },
                  },
                },
              },
            },
          },
        },
        { name: 'v1alpha1', served: false, schema: { openAPIV3Schema: { type: 'object' } } },
        { name: 'v1beta1', served: true },
      ],
    },
  };
  const schemas = crdSchemas(crd);
  const gadgetSchema = schemas.get('gadget-things-v1.json');
  const gadget = (spec: unknown) => ({ apiVersion: 'things.example.io/v1', kind: 'Gadget', metadata: { name: 'g' }, spec });

  it('writes one file per served version with a schema', () => {
    expect([...schemas.keys()]).toEqual(['gadget-things-v1.json']);
  });

  it('rejects unknown fields in nested objects, including array items', () => {
    expect(accepts(gadgetSchema, gadget({ port: 1, endpoints: [{ path: '/metrics' }] }))).toBe(true);
    expect(accepts(gadgetSchema, gadget({ port: 1, endpoints: [{ path: '/metrics', typo: 1 }] }))).toBe(false);
  });

  it('leaves preserve-unknown-fields objects and maps open', () => {
    expect(accepts(gadgetSchema, gadget({ port: 1, free: { known: 'a', other: 1 }, labels: { a: 'b' } }))).toBe(true);
  });

  it('takes int-or-string as a name or a whole number', () => {
    expect(accepts(gadgetSchema, gadget({ port: 'metrics' }))).toBe(true);
    expect(accepts(gadgetSchema, gadget({ port: 9090 }))).toBe(true);
    expect(accepts(gadgetSchema, gadget({ port: 1.5 }))).toBe(false);
  });

  it('lets optional and nullable fields be null but not required ones', () => {
    expect(accepts(gadgetSchema, gadget({ port: 1, reason: null, endpoints: null }))).toBe(true);
    expect(accepts(gadgetSchema, gadget({ port: null }))).toBe(false);
  });

  it('ignores documents that are not CRDs', () => {
    expect(crdSchemas({ apiVersion: 'v1', kind: 'ConfigMap' }).size).toBe(0);
  });
});

/** Kinds the charts render; each must have a schema for every Kubernetes version, or kubeconform fails them. */
const CHART_KINDS = [
  ['Deployment', 'apps', 'v1'],
  ['StatefulSet', 'apps', 'v1'],
  ['Service', '', 'v1'],
  ['ConfigMap', '', 'v1'],
  ['Secret', '', 'v1'],
  ['ServiceAccount', '', 'v1'],
  ['PodDisruptionBudget', 'policy', 'v1'],
  ['NetworkPolicy', 'networking.k8s.io', 'v1'],
  ['Ingress', 'networking.k8s.io', 'v1'],
  ['Pod', '', 'v1'],
  ['Job', 'batch', 'v1'],
  ['PersistentVolumeClaim', '', 'v1'],
  ['Role', 'rbac.authorization.k8s.io', 'v1'],
  ['RoleBinding', 'rbac.authorization.k8s.io', 'v1'],
] as const;

const KUBECONFORM = join(TOOLS_BIN, 'kubeconform');

type Finding = { kind: string; name: string; status: string; msg: string; validationErrors?: { path: string; msg: string }[] };

function kubeconform(kubeVersion: string, manifests: string): Finding[] {
  const run = spawnSync(
    KUBECONFORM,
    ['-strict', '-summary', '-verbose', '-output', 'json', '-kubernetes-version', kubeVersion, ...kubeconformSchemaArgs(), '-'],
    { input: manifests, encoding: 'utf8' },
  );
  if (run.error) throw run.error;
  return (JSON.parse(run.stdout) as { resources: Finding[] }).resources;
}

const statuses = (findings: Finding[]) => Object.fromEntries(findings.map((f) => [`${f.kind}/${f.name}`, f.status]));

const pod = `
    metadata:
      creationTimestamp: null
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
          env: [{name: A, value: "1"}, {name: B, value: null}]
          resources:
            requests: {cpu: 100m, memory: 1Gi}
            limits: {cpu: 1, memory: 1Gi}
          livenessProbe: {httpGet: {path: /, port: http}}
          readinessProbe: {httpGet: {path: /, port: 8080}}
          securityContext: null`;

const validChartObjects = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {rollingUpdate: {maxUnavailable: 1, maxSurge: 25%}}
  template:${pod}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:${pod}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: alt, port: 81, targetPort: 8080}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web}
data: {a.conf: "x=1"}
---
apiVersion: v1
kind: Secret
metadata: {name: web}
type: Opaque
stringData: {password: hunter2}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
automountServiceAccountToken: false
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: http}, {port: 8080, protocol: TCP}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: web.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-test}
spec:
  restartPolicy: Never
  containers: [{name: t, image: busybox, command: [wget, web]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: web}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: t, image: busybox}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: web}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web}
subjects: [{kind: ServiceAccount, name: web}]
`;

const serviceMonitor = (endpoint: string) => `
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [${endpoint}]
`;

describe.each(KUBE_VERSIONS)('kubeconform with the generated schemas, Kubernetes %s', (kubeVersion) => {
  beforeAll(async () => {
    if (!existsSync(KUBECONFORM)) {
      throw new Error(`${KUBECONFORM} is missing: run the toolchain bootstrap (npm run setup) first`);
    }
    await ensureKubeSchemas(() => {});
  }, 600_000);

  it('has a schema for every kind the charts render', () => {
    const missing = CHART_KINDS.map(([kind, group, version]) => schemaFileName(kind, group, version)).filter(
      (file) => !existsSync(join(KUBE_SCHEMA_DIR, `v${kubeVersion}-standalone-strict`, file)),
    );
    expect(missing).toEqual([]);
  });

  it('accepts valid objects of every chart kind, with int-or-string ports, quantities and nulls', () => {
    const findings = kubeconform(kubeVersion, validChartObjects);
    expect(findings.filter((f) => f.status !== 'statusValid')).toEqual([]);
    expect(findings).toHaveLength(CHART_KINDS.length);
  });

  it('rejects a Deployment with an unknown field in a container, naming it', () => {
    const typo = validChartObjects.split('---')[0]!.replace('image: nginx:1.27', 'image: nginx:1.27\n          imagePullPolicyy: Always');
    const [finding] = kubeconform(kubeVersion, typo);
    expect(finding?.status).toBe('statusInvalid');
    expect(finding?.validationErrors).toContainEqual({
      path: '/spec/template/spec/containers/0',
      msg: "additional properties 'imagePullPolicyy' not allowed",
    });
  });

  it('accepts a valid ServiceMonitor', () => {
    const findings = kubeconform(kubeVersion, serviceMonitor('{port: http, path: /metrics, interval: 30s, targetPort: 8080}'));
    expect(statuses(findings)).toEqual({ 'ServiceMonitor/web': 'statusValid' });
  });

  it('rejects a ServiceMonitor with an unknown field in an endpoint, naming it', () => {
    const [finding] = kubeconform(kubeVersion, serviceMonitor('{port: http, scrapeInterval: 30s}'));
    expect(finding?.status).toBe('statusInvalid');
    expect(finding?.validationErrors).toContainEqual({ path: '/spec/endpoints/0', msg: "additional properties 'scrapeInterval' not allowed" });
  });

  it('rejects a kind it has no schema for', () => {
    const [finding] = kubeconform(kubeVersion, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    expect(finding).toMatchObject({ status: 'statusError', msg: 'could not find schema for Widget' });
  });
});
