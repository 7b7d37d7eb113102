// Writes every generated file from the typed definitions. Pure apart from reading READMEs and writing outputs.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHARTS, type ChartDef } from '../values/charts.ts';
import { CHARTS_DIR } from '../toolchain/paths.ts';
import { valuesSchema, schemaText } from './values-schema.ts';
import { valuesYaml } from './values-yaml.ts';
import { valuesTable, withValuesTable } from './readme-table.ts';
import { configTemplate } from './config-template.ts';

/** File path (relative to the chart directory) → content, for one chart. */
export function generatedFiles(chart: ChartDef, readme: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set('values.schema.json', schemaText(valuesSchema(chart.values, chart.source)));
  files.set('values.yaml', valuesYaml(chart.values, chart.source));
  files.set('README.md', withValuesTable(readme, valuesTable(chart.values), `charts/${chart.dir}/README.md`));
  if (chart.takhinConfig) files.set('templates/_takhin-config.tpl', configTemplate(chart.values, chart.name, chart.source));
  return files;
}

/** Writes what changed; returns the paths written (relative to the repository). */
export function generateAll(): string[] {
  const written: string[] = [];
  for (const chart of CHARTS) {
    const dir = join(CHARTS_DIR, chart.dir);
    const readmePath = join(dir, 'README.md');
    const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
    for (const [rel, content] of generatedFiles(chart, readme)) {
      const path = join(dir, rel);
      if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
      writeFileSync(path, content);
      written.push(`charts/${chart.dir}/${rel}`);
    }
  }
  return written;
}
