// Command-line entry: `tsx tools/cli.ts <command>`; package.json scripts call it.
import { generateAll } from './generate/generate.ts';
import { ensureToolchain } from './toolchain/install.ts';
import { ciCases, presetCases } from './render/cases.ts';
import { Summary } from './check/summary.ts';
import { checkBadInput } from './check/bad-input.ts';
import { checkDocs } from './docs/check.ts';
import { COLUMNS, registry, typecheck, checkGenerated, checkParityAndDeterminism, checkPolicy, checkUpgradeSafety, ctLint, lintCharts, prepare, renderAndValidate, unitTests } from './check/pipeline.ts';

const log = (line: string) => console.log(line);

function finish(summary: Summary, started: number): number {
  const failures = summary.failures();
  if (failures.length) {
    console.log(`\nFailures (${failures.length}):`);
    for (const f of failures) console.log(`  - ${f}`);
  }
  const skips = summary.skips();
  if (skips.length) {
    console.log(`\nSkipped, with the reason (${skips.length}):`);
    for (const s of skips) console.log(`  - ${s}`);
  }
  console.log(`\n${summary.table()}\n`);
  const { passed, failed, skipped } = summary.totals();
  console.log(`${summary.failed ? 'FAILED' : 'PASSED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`checks: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return summary.failed ? 1 : 0;
}

const commands: Record<string, () => Promise<number>> = {
  async setup() {
    await ensureToolchain(log);
    log('toolchain ready in .tools/');
    return 0;
  },

  async generate() {
    const written = generateAll();
    log(written.length ? `generated:\n  ${written.join('\n  ')}` : 'generated files are up to date');
    return 0;
  },

  /** The main job: render every preset for every supported Kubernetes version and verify it. */
  async main() {
    const started = Date.now();
    await prepare(log);
    const presets = presetCases();
    if (presets.length === 0) throw new Error('no presets found in values-examples/ (or no umbrella chart in charts/takhin)');
    const summary = new Summary(['render', 'kubeconform', 'policy']);
    log('render and verify presets');
    checkPolicy(summary, await renderAndValidate(summary, presets, log));
    return finish(summary, started);
  },

  /** Everything the repository checks. */
  async test() {
    const started = Date.now();
    await prepare(log);
    const summary = new Summary([...COLUMNS]);
    const cases = [...ciCases(), ...presetCases()];
    log('typecheck');
    await typecheck(summary);
    log('generated files');
    checkGenerated(summary);
    log('helm lint --strict');
    await lintCharts(summary, cases, log);
    log('ct lint');
    await ctLint(summary, log);
    log('render and validate');
    const rendered = await renderAndValidate(summary, cases, log);
    checkPolicy(summary, rendered);
    log('helm3 parity and determinism');
    await checkParityAndDeterminism(summary, rendered, log);
    log('upgrade safety');
    await checkUpgradeSafety(summary, rendered, log);
    log('bad-input corpus (Helm 3 and 4)');
    await checkBadInput(summary, log);
    log('documentation examples');
    await checkDocs(summary, log);
    log('OCI registry end to end');
    await registry(summary, log);
    log('unit tests');
    await unitTests(summary, log);
    return finish(summary, started);
  },
};

const name = process.argv[2] ?? '';
const command = commands[name];
if (!command) {
  console.error(`usage: tsx tools/cli.ts <${Object.keys(commands).join('|')}>`);
  process.exit(2);
}
try {
  process.exitCode = await command();
} catch (error) {
  console.error(`\n${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
