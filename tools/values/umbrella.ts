// Values of the takhin umbrella chart. Its schema embeds each subchart's schema (so `helm install takhin -f x`
// validates the whole tree), while its values.yaml states only what the umbrella itself sets: switches and wiring.
import { withoutRequired } from '../generate/values-schema.ts';
import type { SchemaNode } from '../generate/schema-tree.ts';
import { plain } from '../generate/schema-tree.ts';
import { global } from './blocks.ts';

export interface Subchart {
  alias: string;
  chart: string;
  dir: string;
  values: SchemaNode;
  enabled: boolean;
  /** What the umbrella sets for this subchart besides `enabled` (the wiring), and why. */
  wiring: Record<string, unknown>;
  description: string;
}

export function subchartNode(s: Subchart): SchemaNode {
  const inner = withoutRequired(s.values) as SchemaNode;
  return {
    ...inner,
    description: `${s.description} Every key of the ${s.chart} chart (charts/${s.dir}/README.md) is accepted here.`,
    properties: {
      ...inner.properties,
      enabled: { type: 'boolean', default: s.enabled, description: `Install the ${s.chart} chart.` },
    },
    subchart: { chart: s.chart, dir: s.dir, defaults: { enabled: s.enabled, ...s.wiring } },
  };
}

export function umbrellaValues(subcharts: Subchart[]): SchemaNode {
  const properties: Record<string, SchemaNode> = { global: plain(global()) };
  for (const s of subcharts) properties[s.alias] = subchartNode(s);
  return { type: 'object', additionalProperties: false, description: 'Values of the takhin umbrella chart: the broker, the console and monitoring in one release.', properties };
}

/** The console reads the claim of the broker of the same release; this names it the way the broker chart does. */
export const CONSOLE_BROKER_FULLNAME = '{{ include "takhin-common.fullnameFor" (dict "release" .Release.Name "name" "broker") }}';
