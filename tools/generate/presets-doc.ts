// The preset comparison table of docs/presets.md, computed from chart defaults + umbrella wiring + each preset.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { mergeValues } from '../values/merge.ts';
import { defaults } from './values-yaml.ts';
import { leaves, type SchemaNode } from './schema-tree.ts';

type Values = Record<string, any>;


/** Effective values of each subchart for one preset, as Helm would merge them. */
export function effectiveValues(umbrella: SchemaNode, subcharts: Record<string, SchemaNode>, preset: Values): Record<string, Values> {
  const out: Record<string, Values> = {};
  for (const [alias, node] of Object.entries(umbrella.properties ?? {})) {
    if (!node.subchart) continue;
    out[alias] = mergeValues(mergeValues(defaults(subcharts[alias]!) as Values, node.subchart.defaults), preset[alias]);
  }
  return out;
}

const mib = (n: number) => (n % 1024 ** 3 === 0 ? `${n / 1024 ** 3} GiB` : `${Math.round(n / 1024 ** 2)} MiB`);

/** Rows of the comparison: a label and how to read it from the effective values. */
const ROWS: [string, (v: Record<string, Values>, ignored: string[]) => string][] = [
  ['Brokers', (v) => String(v.broker!.replicas)],
  ['Broker CPU (request / limit)', (v) => `${v.broker!.resources.requests.cpu} / ${v.broker!.resources.limits.cpu}`],
  ['Broker memory (request / limit)', (v) => `${v.broker!.resources.requests.memory} / ${v.broker!.resources.limits.memory}`],
  ['Storage per broker', (v) => (v.broker!.persistence.enabled ? `${v.broker!.persistence.size}${v.broker!.persistence.storageClass ? ` (${v.broker!.persistence.storageClass})` : ''}` : 'none (emptyDir)')],
  ['Producer throttle', (v) => (v.broker!.config.throttle.producer.enabled ? `${mib(v.broker!.config.throttle.producer.bytesPerSecond)}/s` : 'off (-1)')],
  ['Retention', (v) => (v.broker!.config.storage.cleanerEnabled ? `${v.broker!.config.storage.logRetentionHours} h${v.broker!.config.storage.logRetentionBytes ? `, ${mib(v.broker!.config.storage.logRetentionBytes)}/partition` : ''}` : 'none (cleaner off)')],
  ['Segment size', (v) => mib(v.broker!.config.storage.logSegmentSize)],
  ['Kafka TLS', (v) => (!v.broker!.tls.enabled ? 'off' : v.broker!.tls.certManager.enabled ? 'cert-manager' : 'existing Secret')],
  ['Spread over zones/nodes', (v) => (v.broker!.topologySpread.enabled ? v.broker!.topologySpread.mode : 'off')],
  ['PodDisruptionBudget', (v) => (v.broker!.pdb.create && v.broker!.replicas > 1 ? `maxUnavailable ${v.broker!.pdb.maxUnavailable}` : 'none (one broker)')],
  ['Console auth', (v) => (!v.console!.enabled ? 'no console' : !v.console!.auth.enabled ? 'off' : v.console!.auth.existingSecret ? `existing Secret` : 'keys in values')],
  ['Monitoring', (v) => (v.monitoring!.enabled ? 'ServiceMonitor, alerts, dashboards' : 'off')],
  ['Set but ignored by Takhin', (_v, ignored) => (ignored.length ? ignored.map((k) => `\`${k}\``).join(', ') : 'none')],
];

/** Broker keys that the preset sets and Takhin ignores (they are listed in NOTES.txt too). */
function ignoredKeys(broker: SchemaNode, preset: Values): string[] {
  return leaves(broker)
    .filter((l) => l.node.takhinUnused)
    .filter((l) => l.path.reduce<any>((o, k) => (o == null ? undefined : o[k]), preset.broker) != null)
    .map((l) => l.path.join('.'));
}

export function presetsTable(presetsDir: string, umbrella: SchemaNode, subcharts: Record<string, SchemaNode>): string {
  const names = readdirSync(presetsDir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  const order = ['dev', 'production', 'high-throughput', 'high-durability'];
  names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const columns = names.map((name) => {
    const preset = YAML.parse(readFileSync(join(presetsDir, `${name}.yaml`), 'utf8')) as Values;
    const values = effectiveValues(umbrella, subcharts, preset);
    return ROWS.map(([, read]) => read(values, ignoredKeys(subcharts.broker!, preset)));
  });
  const header = `| Setting | ${names.map((n) => `[${n}](../values-examples/${n}.yaml)`).join(' | ')} |`;
  const rule = `| --- |${names.map(() => ' --- |').join('')}`;
  const rows = ROWS.map(([label], i) => `| ${label} | ${columns.map((c) => c[i]).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
