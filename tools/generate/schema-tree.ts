// Walks a values definition (a JSON Schema with tooling annotations) in definition order.
import { TOOLING_KEYS } from '../values/blocks.ts';

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  enum?: unknown[];
  additionalProperties?: boolean | SchemaNode;
  takhinKey?: string[];
  takhinUnused?: string;
  renderOnlyWhenSet?: boolean;
  disableFlag?: string;
  onlyWhen?: string;
  /** An umbrella's subchart subtree: documented by the subchart; the umbrella states only `defaults`. */
  subchart?: { chart: string; dir: string; defaults: Record<string, unknown> };
  [key: string]: unknown;
}

/** A plain JSON copy of a TypeBox schema (drops TypeBox's symbol keys). */
export function plain(def: unknown): SchemaNode {
  return JSON.parse(JSON.stringify(def)) as SchemaNode;
}

/** The description a person reads, including what Takhin does not do with the key. */
export function fullDescription(node: SchemaNode): string {
  const base = node.description ?? '';
  if (!node.takhinUnused) return base;
  return `${base} Takhin reads but ignores this (${node.takhinUnused}); written to takhin.yaml only when set.`;
}

/** An object the generators descend into (as opposed to a value emitted whole). */
export function isBranch(node: SchemaNode): boolean {
  return node.default === undefined && node.properties !== undefined && node.subchart === undefined;
}

export interface Leaf {
  path: string[];
  node: SchemaNode;
}

export function leaves(root: SchemaNode, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    const path = [...prefix, key];
    if (child.subchart) out.push(...subchartLeaves(child, path));
    else if (isBranch(child)) out.push(...leaves(child, path));
    else out.push({ path, node: child });
  }
  return out;
}

/** An umbrella documents the keys it sets for a subchart, then points at the subchart's own reference. */
function subchartLeaves(node: SchemaNode, path: string[]): Leaf[] {
  const sub = node.subchart!;
  const out: Leaf[] = [];
  const walk = (value: unknown, at: string[], schema: SchemaNode | undefined) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && schema?.properties) {
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k], schema.properties[k]);
    } else out.push({ path: at, node: { ...(schema ?? {}), default: value, description: `${schema?.description ?? ''} Set by the umbrella.`.trim() } });
  };
  walk(sub.defaults, path, node);
  out.push({ path: [...path, '*'], node: { type: 'object', description: `Any other ${sub.chart} value: see charts/${sub.dir}/README.md.` } });
  return out;
}

/** The type as a reader would write it: `integer`, `string | null`, `object`, `string[]`. */
export function typeLabel(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map(typeLabel).join(' | ');
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.type === 'array' && node.items) return `${typeLabel(node.items).includes(' | ') ? `(${typeLabel(node.items)})` : typeLabel(node.items)}[]`;
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return node.type ?? 'any';
}

/** Removes tooling-only annotations, recursively. */
export function stripTooling(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripTooling);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((TOOLING_KEYS as readonly string[]).includes(key)) continue;
    out[key] = stripTooling(value);
  }
  return out;
}
