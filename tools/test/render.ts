// Test helpers: render a chart with inline values and look objects up in the result.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { CHARTS_DIR } from '../toolchain/paths.ts';
import { helmTemplate, type HelmVersion, type TemplateOptions } from '../render/helm.ts';

export type { Manifest } from '../render/manifests.ts';
import { parseManifests, type Manifest } from '../render/manifests.ts';

const scratch = mkdtempSync(join(tmpdir(), 'takhin-test-values-'));
let counter = 0;

/** Writes values to a temporary file and returns its path. */
export function valuesFile(values: unknown): string {
  const path = join(scratch, `values-${process.pid}-${counter++}.yaml`);
  writeFileSync(path, YAML.stringify(values));
  return path;
}

export interface RenderResult {
  ok: boolean;
  stderr: string;
  text: string;
  docs: Manifest[];
}

const renders = new Map<string, Promise<{ ok: boolean; stderr: string; text: string }>>();

/**
 * Renders a chart. Identical renders within a test worker run helm once (charts do not change during a run);
 * every caller gets its own parsed copy, so a test may modify what it receives.
 */
export async function render(chartDir: string, values: unknown = {}, opts: TemplateOptions = {}): Promise<RenderResult> {
  const key = JSON.stringify([chartDir, values, opts]);
  let pending = renders.get(key);
  if (!pending) {
    pending = helmTemplate({ chartDir: join(CHARTS_DIR, chartDir), valuesFiles: [valuesFile(values)] }, opts).then((r) => ({ ok: r.ok, stderr: r.stderr, text: r.stdout }));
    renders.set(key, pending);
  }
  const result = await pending;
  const docs = result.ok ? parseManifests(result.text) : [];
  return { ...result, docs };
}

/** Renders and fails the test with helm's message if rendering failed. */
export async function renderOk(chartDir: string, values: unknown = {}, opts: TemplateOptions = {}): Promise<Manifest[]> {
  const r = await render(chartDir, values, opts);
  if (!r.ok) throw new Error(`helm template ${chartDir} failed:\n${r.stderr}`);
  return r.docs;
}

/** Renders with the given helm and returns helm's error text (the test asserts it is non-empty and specific). */
export async function renderError(chartDir: string, values: unknown, helm: HelmVersion = 'helm'): Promise<string> {
  const r = await render(chartDir, values, { helmVersion: helm });
  if (r.ok) throw new Error(`expected helm template ${chartDir} to reject ${JSON.stringify(values)}, but it rendered`);
  return r.stderr;
}

export function find(docs: Manifest[], kind: string, name?: string): Manifest {
  const found = docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` named ${name}` : ''} in: ${docs.map((d) => `${d.kind}/${d.metadata.name}`).join(', ')}`);
  return found;
}

export const all = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind);

/** Every container (init, main, sidecar) of a pod-bearing object. */
export function podSpec(doc: Manifest): any {
  return doc.kind === 'Pod' ? doc.spec : doc.spec.template.spec;
}

/** NOTES.txt as `helm install --dry-run` prints it for these values. */
export async function notes(chartDir: string, values: unknown = {}): Promise<string> {
  const { helm } = await import('../render/helm.ts');
  const result = await helm('helm', ['install', 'takhin', join(CHARTS_DIR, chartDir), '--dry-run=client', '--namespace', 'takhin', '--values', valuesFile(values)]);
  if (!result.ok) throw new Error(`helm install --dry-run ${chartDir} failed:\n${result.stderr}`);
  const at = result.stdout.indexOf('NOTES:');
  if (at < 0) throw new Error('helm printed no NOTES');
  return result.stdout.slice(at);
}
