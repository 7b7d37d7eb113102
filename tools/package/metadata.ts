// Chart metadata that must agree with other sources: CHANGELOG.md, the default images, Artifact Hub's formats.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import type { ChartMeta } from './charts.ts';

/** Artifact Hub's change kinds (https://artifacthub.io/docs/topics/annotations/helm/), as CHANGELOG.md headings. */
export const CHANGE_KINDS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  kind: ChangeKind;
  description: string;
}

/**
 * CHANGELOG.md by version: `## <version>` sections, `### Added` (or another kind) headings, `- ` entries whose
 * indented continuation lines belong to them. Anything else (the title, introductions) is prose and ignored.
 */
export function parseChangelog(text: string, file = 'CHANGELOG.md'): Map<string, Change[]> {
  const versions = new Map<string, Change[]>();
  let current: Change[] | undefined;
  let kind: ChangeKind | undefined;
  let entry: Change | undefined;
  text.split('\n').forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    const version = /^## \[?([^\]\s]+)\]?(?:\s+-\s+.*)?\s*$/.exec(line);
    if (version) {
      if (versions.has(version[1]!)) throw new Error(`${where}: version ${version[1]} has a second section`);
      versions.set(version[1]!, (current = []));
      kind = undefined;
      entry = undefined;
      return;
    }
    const heading = /^### (.+?)\s*$/.exec(line);
    if (heading) {
      const k = heading[1]!.toLowerCase();
      if (!(CHANGE_KINDS as readonly string[]).includes(k)) throw new Error(`${where}: "### ${heading[1]}" is not a change kind; use one of ${CHANGE_KINDS.map((c) => c[0]!.toUpperCase() + c.slice(1)).join(', ')}`);
      if (!current) throw new Error(`${where}: "### ${heading[1]}" comes before any "## <version>" section`);
      kind = k as ChangeKind;
      entry = undefined;
      return;
    }
    const bullet = /^- (.+)$/.exec(line);
    if (bullet && current) {
      if (!kind) throw new Error(`${where}: an entry outside a "### Added/Changed/…" heading`);
      current.push((entry = { kind, description: bullet[1]!.trim() }));
      return;
    }
    if (entry && /^\s+\S/.test(line)) {
      entry.description += ` ${line.trim()}`;
      return;
    }
    entry = undefined;
  });
  return versions;
}

/** The metadata every published chart must show; application charts also need appVersion and their images. */
export function missingMetadata(meta: ChartMeta): string[] {
  const missing: string[] = [];
  const need = (ok: unknown, what: string) => ok || missing.push(what);
  need(meta.kubeVersion, 'kubeVersion');
  need(meta.home, 'home');
  need(meta.sources?.length, 'sources');
  need(meta.maintainers?.length, 'maintainers');
  need(meta.keywords?.length, 'keywords');
  for (const key of ['artifacthub.io/license', 'artifacthub.io/links', 'artifacthub.io/changes']) need(meta.annotations?.[key], `annotations.${key}`);
  if ((meta.type ?? 'application') === 'application') need(meta.appVersion, 'appVersion');
  return missing;
}

export function readChangelog(chartPath: string): Map<string, Change[]> {
  const file = join(chartPath, 'CHANGELOG.md');
  if (!existsSync(file)) throw new Error(`${file} is missing: every chart keeps a CHANGELOG.md`);
  return parseChangelog(readFileSync(file, 'utf8'), file);
}

function annotationList(meta: ChartMeta, key: string): unknown[] | undefined {
  const raw = meta.annotations?.[key];
  if (raw === undefined) return undefined;
  const parsed: unknown = YAML.parse(raw);
  if (!Array.isArray(parsed)) throw new Error(`${meta.name}: annotation ${key} must be a YAML list, got ${JSON.stringify(raw)}`);
  return parsed;
}

/** artifacthub.io/changes as kind + description (Artifact Hub also accepts plain strings; these charts do not). */
export function annotatedChanges(meta: ChartMeta): Change[] | undefined {
  return annotationList(meta, 'artifacthub.io/changes')?.map((c) => {
    const { kind, description, ...rest } = (c ?? {}) as Record<string, unknown>;
    if (!(CHANGE_KINDS as readonly unknown[]).includes(kind) || typeof description !== 'string' || Object.keys(rest).some((k) => k !== 'links')) {
      throw new Error(`${meta.name}: artifacthub.io/changes entries need kind (${CHANGE_KINDS.join('|')}) and description, got ${JSON.stringify(c)}`);
    }
    return { kind: kind as ChangeKind, description };
  });
}

export function annotatedImages(meta: ChartMeta): { name: string; image: string }[] {
  return (annotationList(meta, 'artifacthub.io/images') ?? []) as { name: string; image: string }[];
}

export function annotatedLinks(meta: ChartMeta): { name: string; url: string }[] {
  return (annotationList(meta, 'artifacthub.io/links') ?? []) as { name: string; url: string }[];
}

/** `registry/repository:tag` (or `@digest`) for every image-shaped object (`repository` + `tag`/`digest`) in values. */
export function imagesInValues(values: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.repository === 'string' && (typeof o.tag === 'string' || typeof o.digest === 'string')) {
      const registry = typeof o.registry === 'string' && o.registry ? `${o.registry}/` : '';
      found.push(o.digest ? `${registry}${o.repository}@${String(o.digest)}` : `${registry}${o.repository}:${String(o.tag)}`);
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(values);
  return [...new Set(found)].sort();
}

/** Every container image (init, main, ephemeral) in rendered manifests. */
export function imagesInManifests(manifests: string): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if ((k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers') && Array.isArray(child)) {
        for (const c of child) if (typeof (c as { image?: unknown })?.image === 'string') found.add((c as { image: string }).image);
      }
      walk(child);
    }
  };
  for (const doc of YAML.parseAllDocuments(manifests)) walk(doc.toJS());
  return [...found].sort();
}
