// The charts of this repository and the definition each one's values come from.
import { brokerValues } from './broker.ts';
import { monitoringValues } from './monitoring.ts';
import { consoleValues } from './console.ts';
import type { SchemaNode } from '../generate/schema-tree.ts';
import { plain } from '../generate/schema-tree.ts';
import { umbrellaValues, CONSOLE_BROKER_FULLNAME } from './umbrella.ts';

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
  { name: 'takhin-monitoring', dir: 'monitoring', source: 'tools/values/monitoring.ts', values: plain(monitoringValues), takhinConfig: false },
];

const byDir = (dir: string) => CHARTS.find((c) => c.dir === dir)!.values;

// The umbrella comes last: its schema embeds the subcharts' schemas.
CHARTS.push({
  name: 'takhin',
  dir: 'takhin',
  source: 'tools/values/umbrella.ts',
  takhinConfig: false,
  values: umbrellaValues([
    { alias: 'broker', chart: 'takhin-broker', dir: 'broker', values: byDir('broker'), enabled: true, wiring: {}, description: 'The Takhin broker.' },
    {
      alias: 'console',
      chart: 'takhin-console',
      dir: 'console',
      values: byDir('console'),
      enabled: true,
      wiring: { data: { broker: { fullname: CONSOLE_BROKER_FULLNAME } } },
      description: 'The Takhin console, reading the data of broker 0 of this release (read-only).',
    },
    { alias: 'monitoring', chart: 'takhin-monitoring', dir: 'monitoring', values: byDir('monitoring'), enabled: false, wiring: {}, description: 'ServiceMonitor, alerts and dashboards for the broker of this release (needs the Prometheus Operator).' },
  ]),
});

export function chartDef(name: string): ChartDef {
  const found = CHARTS.find((c) => c.name === name || c.dir === name);
  if (!found) throw new Error(`unknown chart ${name}; known: ${CHARTS.map((c) => c.name).join(', ')}`);
  return found;
}
