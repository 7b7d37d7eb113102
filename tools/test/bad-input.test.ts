// The bad-input gate itself: its header parsing, and proof that it fails when a bad file renders, when an expected
// fragment is wrong, and when a good file is refused. The real corpus runs in the pipeline (checkBadInput), not here.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkBadInput,
  checkFixture,
  corpusFindings,
  discoverFixtures,
  expectedFragments,
  familyOf,
  judge,
  parseExpectations,
  uncoveredRules,
  validateRules,
  type Fixture,
} from '../check/bad-input.ts';
import { Summary } from '../check/summary.ts';

/** A throw-away corpus: files[`bad/broker/x.yaml`] = text. */
function corpus(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'takhin-bad-input-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function only(root: string): Fixture {
  const { fixtures, findings } = discoverFixtures(root);
  expect(findings).toEqual([]);
  expect(fixtures).toHaveLength(1);
  return fixtures[0] as Fixture;
}

describe('bad input: the expectation header', () => {
  it('collects fragments for both engines and per engine, and the why line', () => {
    const e = parseExpectations(
      [
        '# why: replicas has minimum 1',
        '# expect: replicas',
        "# expect-helm4: at '/replicas': minimum: got 0, want 1",
        '# expect-helm3: replicas: Must be greater than or equal to 1',
        'replicas: 0',
      ].join('\n'),
    );
    expect(e.why).toBe('replicas has minimum 1');
    expect(e.problems).toEqual([]);
    expect(expectedFragments(e, 'helm')).toEqual(['replicas', "at '/replicas': minimum: got 0, want 1"]);
    expect(expectedFragments(e, 'helm3')).toEqual(['replicas', 'replicas: Must be greater than or equal to 1']);
  });

  it('keeps colons and quotes inside a fragment, and allows several expect lines', () => {
    const e = parseExpectations('# expect: external.hosts entry "203.0.113.10" is an IP address\n# expect: use a DNS name: yes\n');
    expect(e.both).toEqual(['external.hosts entry "203.0.113.10" is an IP address', 'use a DNS name: yes']);
  });

  it('reads only the leading comment block', () => {
    const e = parseExpectations('# expect: first\nreplicas: 1\n# expect: not a header\n');
    expect(e.both).toEqual(['first']);
  });

  it('reports an unknown directive and an empty fragment instead of silently dropping a check', () => {
    const e = parseExpectations('# expect-helm5: something\n# expect:\n# plain comment lines are fine\n');
    expect(e.problems).toEqual([expect.stringContaining('unknown header directive "# expect-helm5:"'), '"# expect:" has no fragment']);
    expect(e.both).toEqual([]);
  });

  it('takes the family from the file name', () => {
    expect(familyOf('unknown-level2.yaml')).toBe('unknown');
    expect(familyOf('validate.yaml')).toBe('validate');
    expect(familyOf('ranges-x.yaml')).toBeUndefined();
  });
});

describe('bad input: judging one render', () => {
  const bad = { kind: 'bad' as const, file: '/x/bad/broker/range-replicas.yaml' };
  const e = parseExpectations("# expect: replicas\n# expect-helm4: at '/replicas'\n");

  it('fails a bad file that rendered, naming the file, the engine and what was expected', () => {
    const v = judge(bad, e, 'helm3', { ok: true, stderr: '' });
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('range-replicas.yaml (Helm 3.18.4): rendered without error');
    expect(v.detail).toContain('"replicas"');
  });

  it('fails a rejection that lacks a fragment of that engine', () => {
    const v = judge(bad, e, 'helm', { ok: false, stderr: 'Error: ...\n- at \'/config\': bad\n' });
    expect(v).toEqual({ ok: false, detail: expect.stringContaining("lacks \"replicas\" and \"at '/replicas'\"; helm said: - at '/config': bad") });
  });

  it('passes a rejection with every fragment', () => {
    expect(judge(bad, e, 'helm', { ok: false, stderr: "- at '/replicas': minimum: got 0, want 1" }).ok).toBe(true);
  });

  it('fails a good file that was rejected, as over-strict, with the first error line', () => {
    const v = judge({ kind: 'good', file: '/x/good/broker/range.yaml' }, parseExpectations(''), 'helm', { ok: false, stderr: "Error: values don't meet\ntakhin-broker:\n- at '/replicas': minimum\n" });
    expect(v).toEqual({ ok: false, detail: "over-strict: /x/good/broker/range.yaml (Helm 4) was rejected: - at '/replicas': minimum" });
  });
});

describe('bad input: the shape of the corpus', () => {
  it('requires an expect header on bad files, a family in the name, and a valid twin per family', () => {
    const root = corpus({
      'bad/broker/range-replicas.yaml': '# why: no expect line\nreplicas: 0\n',
      'bad/broker/misc-thing.yaml': '# expect: x\nreplicas: 0\n',
      'good/broker/enum.yaml': '# expect: nothing\nreplicas: 1\n',
    });
    const { fixtures } = discoverFixtures(root);
    const details = corpusFindings(fixtures, new Map(fixtures.map((f) => [f.file, parseExpectations(readFileSync(f.file, 'utf8'))]))).map((f) => f.detail);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringContaining('range-replicas.yaml: no "# expect:" header'),
        expect.stringContaining('misc-thing.yaml: the file name must start with a family'),
        expect.stringContaining('good/broker/enum.yaml: a good fixture must render'),
        expect.stringMatching(/family "range" of takhin-broker has bad fixtures but no valid twin: add .*good\/broker\/range\.yaml/),
      ]),
    );
  });

  it('reports a folder that names no chart', () => {
    const { findings } = discoverFixtures(corpus({ 'bad/brokers/type-x.yaml': '# expect: x\n' }));
    expect(findings[0]?.detail).toMatch(/bad\/brokers: no chart at charts\/brokers/);
  });
});

describe('bad input: every validateValues rule needs a fixture', () => {
  const tpl = [
    '{{- $errors = append $errors "tls.enabled is true but no certificate source is set: set tls.existingSecret" -}}',
    '{{- $errors = append $errors (printf "external.hosts has %d entries but replicas is %d: give one per broker" (len $h) $r) -}}',
    '{{- $errors = append $errors (printf "entry %q is an \\"IP\\" address" .) -}}',
  ].join('\n');

  it('reads each message, literal or printf format, and matches it as rendered', () => {
    const rules = validateRules(tpl);
    expect(rules.map((r) => r.message)).toEqual([
      'tls.enabled is true but no certificate source is set: set tls.existingSecret',
      'external.hosts has %d entries but replicas is %d: give one per broker',
      'entry %q is an "IP" address',
    ]);
    expect('  - external.hosts has 2 entries but replicas is 3: give one per broker').toMatch(rules[1]?.pattern as RegExp);
  });

  it('counts a rule as exercised only when an expected fragment lies inside its message', () => {
    const rules = validateRules(tpl);
    const stderr = '  - external.hosts has 2 entries but replicas is 3: give one per broker\n  - tls.enabled is true but no certificate source is set: set tls.existingSecret\n';
    const uncovered = uncoveredRules(rules, [{ stderr, fragments: ['external.hosts has 2 entries'] }]).map((r) => r.message);
    // The TLS message is in the output too, but no fixture declared it: caught by accident is not covered.
    expect(uncovered).toEqual(['tls.enabled is true but no certificate source is set: set tls.existingSecret', 'entry %q is an "IP" address']);
  });
});

describe('bad input: the gate fails on real renders', () => {
  it('reports a bad file that the chart accepts, with both Helm versions', async () => {
    const fixture = only(corpus({ 'bad/broker/range-replicas-fine.yaml': '# why: renders fine, so the gate must fail\n# expect: replicas\nreplicas: 2\n' }));
    const runs = await Promise.all([checkFixture(fixture, 'helm'), checkFixture(fixture, 'helm3')]);
    expect(runs.map((r) => r.ok)).toEqual([false, false]);
    expect(runs[0]?.detail).toMatch(/range-replicas-fine\.yaml \(Helm 4\): rendered without error, but the chart must reject it \(expected an error containing "replicas"\)/);
    expect(runs[1]?.detail).toMatch(/\(Helm 3\.18\.4\): rendered without error/);
  });

  it('reports a rejection whose expected fragment is wrong', async () => {
    const fixture = only(corpus({ 'bad/broker/range-replicas-zero.yaml': '# expect: replicas must be positive\nreplicas: 0\n' }));
    const run = await checkFixture(fixture, 'helm');
    expect(run.ok).toBe(false);
    expect(run.detail).toContain('rejected, but the error lacks "replicas must be positive"; helm said: - at \'/replicas\': minimum: got 0, want 1');
  });

  it('reports an over-strict rule: a good file that is rejected', async () => {
    const fixture = only(corpus({ 'good/console/range.yaml': '# why: a valid-looking console that auth refuses\ndata:\n  broker:\n    fullname: takhin-broker\n' }));
    const run = await checkFixture(fixture, 'helm3');
    expect(run.ok).toBe(false);
    expect(run.detail).toMatch(/^over-strict: .*good\/console\/range\.yaml \(Helm 3\.18\.4\) was rejected: - auth\.enabled is true but no API keys are given/);
  });

  it('fails its summary column for a corpus that is too small, lacks families and leaves rules unexercised', async () => {
    const root = corpus({
      'bad/monitoring/validate-scrape-timeout.yaml': '# expect: scrape.scrapeTimeout (1m) is longer than scrape.interval (30s)\nscrape:\n  scrapeTimeout: 1m\n',
      'good/monitoring/validate.yaml': '# why: timeout equal to the interval\nscrape:\n  scrapeTimeout: 30s\n',
    });
    const summary = new Summary([]);
    await checkBadInput(summary, () => undefined, { root });
    expect(summary.failed).toBe(true);
    const failures = summary.failures();
    expect(failures).toContainEqual(expect.stringMatching(/^\[tooling \/ bad input\] only 1 bad values files .*: the corpus needs at least 40$/));
    expect(failures).toContainEqual(expect.stringMatching(/^\[takhin-monitoring \/ bad input\] validateValues rule not exercised .*: "alerts\.TakhinVolumeFillingUp\.threshold/));
    expect(failures).toContainEqual(expect.stringMatching(/^\[takhin-broker \/ bad input\] takhin-broker has no bad fixture of family "pattern": add .*bad\/broker\/pattern-<what>\.yaml$/));
    // The fixtures themselves behave, so the scrape rule is exercised and nothing else about them is reported.
    expect(failures.filter((f) => f.includes('scrape-timeout') || f.includes('scrape.scrapeTimeout'))).toEqual([]);
    // 4 renders and the scrape rule and the validate family pass; 2 rules and 6 schema families fail.
    expect(summary.table()).toMatch(/takhin-monitoring\s+FAIL 8\/14/);
  });
});
