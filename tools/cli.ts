// Command-line entry: `tsx tools/cli.ts <command>`; package.json scripts call it.
import { generateAll } from './generate/generate.ts';
import { ensureToolchain } from './toolchain/install.ts';
import { ciCases, presetCases } from './render/cases.ts';
import { Summary } from './check/summary.ts';
import { checkBadInput } from './check/bad-input.ts';
import { checkDocs } from './docs/check.ts';
import { COLUMNS, registry, typecheck, checkVersionIncrements, checkGenerated, checkParityAndDeterminism, checkPolicy, checkUpgradeSafety, ctLint, lintCharts, prepare, renderAndValidate, unitTests } from './check/pipeline.ts';

const log = (line: string) => console.log(line);

/** Runs one step of a check run and logs how long it took. */
async function step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  log(name);
  const result = await fn();
  log(`  ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
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
    return summary.print(started);
  },

  /** Everything the repository checks. */
  async test() {
    const started = Date.now();
    await step('toolchain and chart dependencies', () => prepare(() => undefined));
    const summary = new Summary([...COLUMNS]);
    const cases = [...ciCases(), ...presetCases()];
    // tsc is single-threaded: it runs beside the lint steps.
    const typechecked = step('typecheck', () => typecheck(summary));
    await step('generated files', () => checkGenerated(summary));
    // ct lint runs helm lint --strict with every ci values file; the presets go through the umbrella here.
    await step('helm lint --strict (presets)', () => lintCharts(summary, presetCases(), log));
    await step('ct lint', () => ctLint(summary, log));
    await typechecked;
    const rendered = await step('render and kubeconform', () => renderAndValidate(summary, cases, log));
    await step('policy', () => checkPolicy(summary, rendered));
    await step('helm3 parity and determinism', () => checkParityAndDeterminism(summary, rendered, log));
    await step('upgrade safety', () => checkUpgradeSafety(summary, rendered, log));
    await step('version increments', () => checkVersionIncrements(summary));
    // The unit tests run beside the remaining checks: between them they keep both cores busy.
    const units = step('unit tests', () => unitTests(summary, log));
    await step('bad-input corpus (Helm 3 and 4)', () => checkBadInput(summary, log));
    await step('documentation examples', () => checkDocs(summary, log));
    await step('OCI registry end to end', () => registry(summary, log));
    await units;
    return summary.print(started);
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
