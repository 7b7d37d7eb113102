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
  return node.default === undefined && node.properties !== undefined;
}

export interface Leaf {
  path: string[];
  node: SchemaNode;
}

export function leaves(root: SchemaNode, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    const path = [...prefix, key];
    if (isBranch(child)) out.push(...leaves(child, path));
    else out.push({ path, node: child });
  }
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
