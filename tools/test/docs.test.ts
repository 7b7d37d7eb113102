import { describe, expect, it } from 'vitest';
import { Summary } from '../check/summary.ts';
import { classify, classifyFences, extractFences, headingAnchors, relativeLinks, type Fence } from '../docs/blocks.ts';
import { checkHelmArgs, checkKubectlArgs, parseHelp, type Help } from '../docs/cli-args.ts';
import { checkBlocks, checkUpgradeHeadings, configDifferences, docFiles, recordDocs, REQUIRED_PAGES, checkStructure, repository } from '../docs/check.ts';
import { shellCommands } from '../docs/shell.ts';

const fence = (info: string, skip?: string): Fence => ({ file: 'docs/x.md', line: 1, info, body: 'a: 1\n', ...(skip ? { skip } : {}) });
const page = (text: string) => [{ path: 'docs/example.md', text }];
/** Problems of the blocks of one page, flattened to messages. */
const blockProblems = async (text: string) => {
  const report = await checkBlocks(page(text));
  return [...report.problems.map((p) => p.message), ...report.results.flatMap((r) => r.problems)];
};

describe('docs: extracting fenced blocks', () => {
  it('finds every fence with its line, info string and body, also inside list items and with tildes', () => {
    const md = ['# T', '', '```yaml values chart=broker', 'replicas: 1', '```', '1. Step', '', '   ```sh', '   helm list', '   ```', '~~~text', 'x', '~~~'].join('\n');
    const { fences, problems } = extractFences(md, 'docs/t.md');
    expect(problems).toEqual([]);
    expect(fences.map((f) => [f.line, f.info, f.body])).toEqual([
      [3, 'yaml values chart=broker', 'replicas: 1\n'],
      [8, 'sh', 'helm list\n'],
      [11, 'text', 'x\n'],
    ]);
  });

  it('attaches a skip marker to the block directly below it, with its reason', () => {
    const { fences, problems } = extractFences('<!-- doc-test: skip — needs a live cluster -->\n```yaml manifest\nkind: X\n```\n', 'docs/t.md');
    expect(problems).toEqual([]);
    expect(fences[0]?.skip).toBe('needs a live cluster');
  });

  it('refuses a skip marker without a reason, one that is not followed by a block, and unknown directives', () => {
    const noReason = extractFences('<!-- doc-test: skip -->\n```yaml manifest\n```\n', 'd.md').problems;
    expect(noReason.map((p) => p.message).join()).toMatch(/without a reason/);
    const dangling = extractFences('<!-- doc-test: skip — why -->\n\nSome prose.\n```sh\n```\n', 'd.md').problems;
    expect(dangling.map((p) => p.message).join()).toMatch(/not directly followed by a fenced block/);
    const unknown = extractFences('<!-- doc-test: ignore -->\n```sh\n```\n', 'd.md').problems;
    expect(unknown.map((p) => p.message).join()).toMatch(/unknown doc-test directive "ignore"/);
  });

  it('reports a fence that is never closed', () => {
    expect(extractFences('```sh\nhelm list\n', 'd.md').problems.map((p) => p.message)).toEqual(['fenced block is never closed']);
  });

  it('classifies blocks by their info string', () => {
    expect(classify(fence('yaml values chart=takhin base=production id=a'))).toEqual({ kind: 'values', chart: 'takhin', base: 'production', id: 'a' });
    expect(classify(fence('yaml manifest'))).toEqual({ kind: 'manifest' });
    expect(classify(fence('yaml takhin-config from=a'))).toEqual({ kind: 'takhin-config', from: 'a' });
    expect(classify(fence('sh'))).toEqual({ kind: 'shell' });
    expect(classify(fence('bash'))).toEqual({ kind: 'shell' });
    expect(classify(fence('text'))).toEqual({ kind: 'untested' });
    expect(classify(fence('mermaid'))).toEqual({ kind: 'untested' });
    expect(classify(fence(''))).toEqual({ kind: 'untested' });
  });

  it('fails a yaml block that declares no kind, so no YAML goes untested', () => {
    expect(classify(fence('yaml'))).toMatchObject({ error: expect.stringMatching(/must say what it is/) });
    expect(classify(fence('yml'))).toMatchObject({ error: expect.stringMatching(/must say what it is/) });
  });

  it('fails typos in the info string instead of changing the check', () => {
    expect(classify(fence('yaml value chart=broker'))).toMatchObject({ error: expect.stringMatching(/must say what it is/) });
    expect(classify(fence('yaml values chrat=broker'))).toMatchObject({ error: expect.stringMatching(/unknown attribute\(s\) chrat/) });
    expect(classify(fence('yaml values chart=kafka'))).toMatchObject({ error: expect.stringMatching(/chart=<takhin\|broker\|console\|monitoring>/) });
    expect(classify(fence('yaml values chart=broker base=dev'))).toMatchObject({ error: expect.stringMatching(/only the takhin umbrella chart/) });
    expect(classify(fence('yaml manifest strict'))).toMatchObject({ error: expect.stringMatching(/unknown word/) });
  });

  it('accepts any block with a skip marker, and refuses a marker on a block that is never tested', () => {
    expect(classifyFences([fence('yaml', 'a Takhin config file, not chart values')]).problems).toEqual([]);
    expect(classifyFences([fence('text', 'pointless')]).problems.map((p) => p.message).join()).toMatch(/never tested: remove the marker/);
  });

  it('requires a takhin-config block to name a values block of the same page', () => {
    const { problems } = classifyFences([{ ...fence('yaml values chart=broker id=a'), line: 1 }, { ...fence('yaml takhin-config from=b'), line: 9 }]);
    expect(problems.map((p) => p.message)).toEqual(['takhin-config block refers to from=b, but no values block in this file has id=b']);
  });
});

describe('docs: shell commands', () => {
  it('splits lists and pipes, joins continuations, unquotes, and looks inside $(...)', () => {
    const src = [
      'NS=takhin   # a comment',
      'helm upgrade takhin oci://r/takhin \\',
      '  --version 0.1.0 -n "$NS" -f values.yaml && echo done',
      'for pvc in $(kubectl -n "$NS" get pvc -o name); do kubectl -n "$NS" patch "$pvc" -p \'{"a":1}\'; done',
      'kubectl -n "$NS" exec kcat -- wget -qO- http://x 2>&1 | grep "^takhin"',
    ].join('\n');
    expect(shellCommands(src)).toEqual([
      ['helm', 'upgrade', 'takhin', 'oci://r/takhin', '--version', '0.1.0', '-n', '$NS', '-f', 'values.yaml'],
      ['echo', 'done'],
      ['kubectl', '-n', '$NS', 'get', 'pvc', '-o', 'name'],
      ['for', 'pvc', 'in', '$(kubectl -n "$NS" get pvc -o name)'],
      ['kubectl', '-n', '$NS', 'patch', '$pvc', '-p', '{"a":1}'],
      ['done'],
      ['kubectl', '-n', '$NS', 'exec', 'kcat', '--', 'wget', '-qO-', 'http://x'],
      ['grep', '^takhin'],
    ]);
  });

  it('skips here-document bodies and reads <placeholders> as words', () => {
    const src = 'kubectl apply -f - <<EOF\nhelm nonsense --bad\nEOF\nkubectl -n <namespace> get pods\n';
    expect(shellCommands(src)).toEqual([['kubectl', 'apply', '-f', '-'], ['kubectl', '-n', '<namespace>', 'get', 'pods']]);
  });
});

describe('docs: helm and kubectl arguments', () => {
  const helpTexts: Record<string, string> = {
    '': 'Usage:\n  helm [command]\n\nAvailable Commands:\n  get         download\n  upgrade     upgrade a release\n\nFlags:\n  -n, --namespace string   namespace\n      --debug              verbose\n',
    get: 'Usage:\n  helm get [command]\n\nAvailable Commands:\n  values      values\n\nGlobal Flags:\n  -n, --namespace string   namespace\n',
    'get values': 'Usage:\n  helm get values RELEASE_NAME [flags]\n\nFlags:\n  -o, --output format   fmt\n\nGlobal Flags:\n  -n, --namespace string   namespace\n',
    upgrade: 'Usage:\n  helm upgrade [RELEASE] [CHART] [flags]\n\nFlags:\n  -f, --values strings   files\n      --wait WaitStrategy[=watcher]   wait\n      --install   install\n\nGlobal Flags:\n  -n, --namespace string   namespace\n',
  };
  const help = async (path: string[]): Promise<Help> => parseHelp(helpTexts[path.join(' ')] ?? '', path);

  it('reads subcommands, flags with and without values, and the usage line from --help', async () => {
    const upgrade = await help(['upgrade']);
    expect(upgrade.flags.get('-f')).toEqual({ takesValue: true });
    expect(upgrade.flags.get('--install')).toEqual({ takesValue: false });
    expect(upgrade.flags.get('--wait')).toEqual({ takesValue: false });
    expect(upgrade.maxArgs).toBe(2);
    expect((await help([])).subcommands).toEqual(['get', 'upgrade']);
  });

  it('accepts a valid command, nested subcommands and --flag=value', async () => {
    expect(await checkHelmArgs(['helm', 'upgrade', 'takhin', 'oci://x', '-n', 'ns', '--values=v.yaml', '--wait', '--install'], help)).toEqual([]);
    expect(await checkHelmArgs(['helm', '-n', 'ns', 'get', 'values', 'takhin', '-o', 'yaml'], help)).toEqual([]);
  });

  it('names an unknown flag, an unknown subcommand, a missing value and surplus arguments', async () => {
    expect(await checkHelmArgs(['helm', 'upgrade', 'takhin', 'oci://x', '--atomic'], help)).toEqual([expect.stringMatching(/helm upgrade has no flag --atomic/)]);
    expect(await checkHelmArgs(['helm', 'upgarde', 'takhin'], help)).toEqual([expect.stringMatching(/has no subcommand "upgarde"/)]);
    expect(await checkHelmArgs(['helm', 'upgrade', 'takhin', 'oci://x', '-f'], help)).toEqual([expect.stringMatching(/-f needs a value/)]);
    expect(await checkHelmArgs(['helm', 'upgrade', 'takhin', 'oci://x', '...'], help)).toEqual([expect.stringMatching(/takes at most 2 argument\(s\), got 3/)]);
  });

  it('checks that kubectl commands exist, after global flags', () => {
    expect(checkKubectlArgs(['kubectl', '-n', 'takhin', 'rollout', 'restart', 'statefulset', 'x'])).toEqual([]);
    expect(checkKubectlArgs(['kubectl', '--context', 'c', 'restart', 'pod'])).toEqual(['kubectl has no command "restart"']);
    expect(checkKubectlArgs(['kubectl', '-n', 'x'])).toEqual(['kubectl without a command']);
  });
});

describe('docs: links, config excerpts and upgrade notes', () => {
  it('finds relative links outside code and computes GitHub heading anchors', () => {
    const md = '# Backup and restore with VolumeSnapshots\n## What `helm upgrade` restarts?\n[a](ops.md#x) [b](https://x) `[c](no.md)`\n```sh\n[d](e.md)\n```\n';
    expect(relativeLinks(md)).toEqual([{ line: 3, target: 'ops.md#x' }]);
    expect([...headingAnchors(md)]).toEqual(['backup-and-restore-with-volumesnapshots', 'what-helm-upgrade-restarts']);
  });

  it('compares a takhin.yaml excerpt with the rendered file key by key', () => {
    const actual = { storage: { 'data.dir': '/d', 'log.retention.hours': 72 }, kafka: { 'cluster.brokers': ['__BROKER_ID__'] } };
    expect(configDifferences({ storage: { 'log.retention.hours': 72 }, kafka: { 'cluster.brokers': ['__BROKER_ID__'] } }, actual)).toEqual([]);
    expect(configDifferences({ storage: { 'log.retention.hours': 24, cleaner: true } }, actual)).toEqual([
      'storage > log.retention.hours: the page says 24, the chart renders 72',
      'storage > cleaner: not in the rendered takhin.yaml',
    ]);
  });

  it('accepts upgrade notes for charts of this repository only, and no real version inside code blocks', () => {
    const charts = new Map([['takhin-broker', '1.2.0']]);
    const file = (text: string) => ({ path: 'docs/upgrading.md', text });
    expect(checkUpgradeHeadings(file('## takhin-broker 1.2.0\n### takhin-broker 1.0.0 (first)\n## Format\n'), charts)).toEqual([]);
    const messages = checkUpgradeHeadings(file('## takhin-borker 1.0.0\n## takhin-broker 2.0.0\n```text\n## takhin-broker 1.1.0\n```\n'), charts).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringMatching(/names no chart of this repository/),
      expect.stringMatching(/above takhin-broker's current 1.2.0/),
      expect.stringMatching(/inside a code block counts as an upgrade note/),
    ]);
  });

  it('records one check per block and a failure per problem in the docs column', () => {
    const summary = new Summary(['docs']);
    recordDocs(summary, {
      results: [{ file: 'docs/a.md', line: 3, kind: 'shell', problems: [] }, { file: 'docs/a.md', line: 9, kind: 'values', problems: ['helm template failed'] }],
      skipped: [],
      problems: [{ file: 'docs/b.md', line: 1, message: 'a yaml block must say what it is' }],
    });
    // Two block kinds were exercised (passes), two never were (failures): the check cannot pass by testing nothing.
    expect(summary.totals()).toMatchObject({ passed: 3, failed: 4 });
    expect(summary.failures()).toEqual([
      '[docs / docs] docs/a.md:9 (values block): helm template failed',
      '[docs / docs] docs/b.md:1: a yaml block must say what it is',
      '[docs / docs] no manifest block was tested anywhere in the docs',
      '[docs / docs] no takhin-config block was tested anywhere in the docs',
    ]);
  });
});

describe('docs: the checks catch broken examples', () => {
  it('rejects a values block with an unknown key, naming it', async () => {
    const problems = await blockProblems('```yaml values chart=broker\nreplicas: 1\nreplicaCount: 3\n```\n');
    expect(problems).toEqual([expect.stringMatching(/helm template charts\/broker .*failed: .*replicaCount/)]);
  });

  it('rejects values the chart itself refuses (a validateValues rule)', async () => {
    const problems = await blockProblems('```yaml values chart=broker\nconfig:\n  replication:\n    defaultReplicationFactor: 3\n```\n');
    expect(problems.join()).toMatch(/defaultReplicationFactor is 3/);
  });

  it('rejects a manifest with an unknown field through kubeconform strict', async () => {
    const problems = await blockProblems('```yaml manifest\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndatta:\n  a: b\n```\n');
    expect(problems).toEqual([expect.stringMatching(/kubeconform strict @[\d.]+: ConfigMap\/x: .*datta/)]);
  });

  it('rejects a helm command with a flag the pinned Helm 4 does not have', async () => {
    const problems = await blockProblems('```sh\nhelm upgrade takhin oci://ghcr.io/takhin-data/charts/takhin --version 0.1.0 --atomic\n```\n');
    expect(problems).toEqual([expect.stringMatching(/helm upgrade has no flag --atomic .* in: helm upgrade takhin/)]);
  });

  it('rejects a shell block that is not valid shell', async () => {
    expect((await blockProblems('```sh\nif true; then echo\n```\n')).join()).toMatch(/bash -n: .*syntax error/);
  });

  it('rejects a takhin-config excerpt the chart does not render', async () => {
    const md = '```yaml values chart=broker id=v\nconfig:\n  storage:\n    logRetentionHours: 72\n```\n\n```yaml takhin-config from=v\nstorage:\n  log.retention.hours: 24\n```\n';
    expect(await blockProblems(md)).toEqual(['storage > log.retention.hours: the page says 24, the chart renders 72']);
  });

  it('passes the same blocks once they are right', async () => {
    const md = [
      '```yaml values chart=takhin base=dev id=v', 'broker:', '  config:', '    storage:', '      logRetentionHours: 72', '```',
      '```yaml takhin-config from=v', 'storage:', '  log.retention.hours: 72', '```',
      '```yaml manifest', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: x', 'data:', '  a: b', '```',
      '```sh', 'helm upgrade takhin oci://ghcr.io/takhin-data/charts/takhin --version 0.1.0 --rollback-on-failure', '```',
    ].join('\n');
    const report = await checkBlocks(page(md));
    expect(report.problems).toEqual([]);
    expect(report.results.map((r) => [r.kind, r.problems])).toEqual([['values', []], ['manifest', []], ['shell', []], ['takhin-config', []]]);
  });
});

describe('docs: the repository documentation', () => {
  it('has every page the docs issue asks for, each linked from README.md, and an index linking every docs page', () => {
    const problems = checkStructure(docFiles(), repository()).filter((p) => /required page|does not link|docs index/.test(p.message));
    expect(problems).toEqual([]);
    expect(REQUIRED_PAGES).toContain('docs/troubleshooting.md');
  });

  // The full run over README.md and docs/*.md is the `docs` column of the npm test pipeline (checkDocs).
});
