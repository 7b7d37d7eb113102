// The charts of this repository and the definition each one's values come from.
import { brokerValues } from './broker.ts';
import { consoleValues } from './console.ts';
import type { SchemaNode } from '../generate/schema-tree.ts';
import { plain } from '../generate/schema-tree.ts';

export interface ChartDef {
  /** Chart name (Chart.yaml `name`). */
  name: string;
  /** Directory under charts/. */
  dir: string;
  /** Source file of the definition, named in every generated file. */
  source: string;
  values: SchemaNode;
  /** Whether the chart renders takhin.yaml and needs the generated key-mapping template. */
  takhinConfig: boolean;
}

export const CHARTS: ChartDef[] = [
  { name: 'takhin-broker', dir: 'broker', source: 'tools/values/broker.ts', values: plain(brokerValues), takhinConfig: true },
  { name: 'takhin-console', dir: 'console', source: 'tools/values/console.ts', values: plain(consoleValues), takhinConfig: false },
];

export function chartDef(name: string): ChartDef {
  const found = CHARTS.find((c) => c.name === name || c.dir === name);
  if (!found) throw new Error(`unknown chart ${name}; known: ${CHARTS.map((c) => c.name).join(', ')}`);
  return found;
}
