// What a release needs from the cluster before `helm install`, read from its rendered manifests and values:
// volumes for its claims and the Secrets the operator is told to create. Pure functions; cluster.ts acts on them.

import type { Manifest } from '../render/manifests.ts';

/** The class a claim without storageClassName gets: the harness's default StorageClass. */
export const DEFAULT_STORAGE_CLASS = 'standard';

export interface Claim {
  /** PVC name: `<template>-<statefulset>-<ordinal>` for StatefulSet claims, else the PersistentVolumeClaim's name. */
  name: string;
  size: string;
  storageClass: string;
}

/** Every PersistentVolumeClaim the release makes: StatefulSet claim templates times replicas, and plain PVC objects. */
export function claimsOf(docs: Manifest[]): Claim[] {
  const claim = (name: string, spec: any): Claim => {
    const cls = spec?.storageClassName;
    if (cls === '') throw new Error(`claim ${name} asks for no StorageClass (storageClassName ""): the harness has no volumes for that`);
    return { name, size: String(spec?.resources?.requests?.storage), storageClass: cls ?? DEFAULT_STORAGE_CLASS };
  };
  const out: Claim[] = [];
  for (const d of docs) {
    if (d.kind === 'StatefulSet') {
      const replicas = d.spec?.replicas ?? 1;
      for (const t of d.spec?.volumeClaimTemplates ?? []) {
        for (let i = 0; i < replicas; i++) out.push(claim(`${t.metadata.name}-${d.metadata.name}-${i}`, t.spec));
      }
    } else if (d.kind === 'PersistentVolumeClaim') {
      out.push(claim(d.metadata.name, d.spec));
    }
  }
  return out;
}

export interface ExternalSecret {
  name: string;
  /** kubernetes.io/tls for a cert-manager Certificate's secret, else Opaque. */
  type: 'kubernetes.io/tls' | 'Opaque';
  /** Keys the pods read (Opaque only). */
  keys: string[];
  /** Why it exists outside the release, for the log. */
  why: string;
}

function podSpecs(docs: Manifest[]): { owner: string; spec: any }[] {
  return docs.flatMap((d) => {
    const spec = d.kind === 'Pod' ? d.spec : d.spec?.template?.spec;
    return spec ? [{ owner: `${d.kind}/${d.metadata.name}`, spec }] : [];
  });
}

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}

/**
 * Secrets the pods reference that the release does not create. Each must be accounted for: named in the values
 * (an `existingSecret` the operator creates) or issued by cert-manager for a rendered Certificate (no cert-manager
 * controller runs here, so the harness stands in). Anything else is a chart bug, and throws: pre-creating it
 * would hide it. `helm test` pods (hooks) are ignored; they never run here.
 */
export function externalSecrets(docs: Manifest[], values: unknown): ExternalSecret[] {
  const rendered = new Set(docs.filter((d) => d.kind === 'Secret').map((d) => d.metadata.name));
  const fromCertificates = new Map(docs.filter((d) => d.kind === 'Certificate').map((d) => [d.spec?.secretName as string, d.metadata.name]));
  const named = new Set(stringLeaves(values));
  const wanted = new Map<string, { keys: Set<string>; owners: Set<string> }>();
  const want = (name: string, owner: string, key?: string) => {
    if (rendered.has(name)) return;
    const w = wanted.get(name) ?? { keys: new Set(), owners: new Set() };
    if (key) w.keys.add(key);
    w.owners.add(owner);
    wanted.set(name, w);
  };
  const isTestHook = (d: Manifest) => /\btest\b/.test(d.metadata?.annotations?.['helm.sh/hook'] ?? '');
  for (const { owner, spec } of podSpecs(docs.filter((d) => !isTestHook(d)))) {
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) want(e.valueFrom.secretKeyRef.name, owner, e.valueFrom.secretKeyRef.key);
      for (const e of c.envFrom ?? []) if (e.secretRef) want(e.secretRef.name, owner);
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret) for (const item of v.secret.items ?? [{}]) want(v.secret.secretName, owner, item.key);
      for (const s of v.projected?.sources ?? []) if (s.secret) for (const item of s.secret.items ?? [{}]) want(s.secret.name, owner, item.key);
    }
  }
  return [...wanted].map(([name, w]) => {
    const owners = [...w.owners].join(', ');
    const certificate = fromCertificates.get(name);
    if (certificate) {
      return { name, type: 'kubernetes.io/tls' as const, keys: [], why: `cert-manager would issue it for Certificate ${certificate} (no cert-manager controller runs here); read by ${owners}` };
    }
    if (named.has(name)) return { name, type: 'Opaque' as const, keys: [...w.keys], why: `named in the values: the operator creates it; read by ${owners}` };
    throw new Error(`${owners} reads Secret ${name}, which the release does not create, no Certificate issues and the values do not name`);
  });
}

/** The name of the object and its identity for comparisons: `Kind/name`. */
export const objectKey = (d: Pick<Manifest, 'kind' | 'metadata'>) => `${d.kind}/${d.metadata.name}`;

/** Objects of a release as `Kind/name`, sorted; test hooks excluded (helm installs them only for `helm test`). */
export function releaseObjects(docs: Manifest[]): string[] {
  return docs.filter((d) => !/\btest\b/.test(d.metadata?.annotations?.['helm.sh/hook'] ?? '')).map(objectKey).sort();
}

/** A persistence size one step larger ("2Gi" -> "3Gi"): an upgrade the API server must refuse for a StatefulSet. */
export function largerSize(size: string): string {
  const m = /^(\d+)([A-Za-z]*)$/.exec(size);
  if (!m) throw new Error(`cannot enlarge size ${size}`);
  return `${Number(m[1]) + 1}${m[2]}`;
}
