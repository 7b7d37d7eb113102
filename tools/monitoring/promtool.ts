// promtool over the rendered rules and the dashboard queries: rule checks, the per-alert unit tests in
// rule-tests/, and PromQL parsing of dashboard queries (each wrapped in a throwaway recording rule).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../toolchain/paths.ts';
import type { RuleGroup } from './render.ts';

export const RULE_TESTS_DIR = join(REPO_ROOT, 'tools', 'monitoring', 'rule-tests');

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'takhin-promtool-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Result {
  ok: boolean;
  output: string;
}

/** The one place promtool runs (the Debian package `prometheus`, installed by `npm run setup`). */
function promtool(args: string[], cwd = REPO_ROOT): Result {
  const out = spawnSync('promtool', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.error) throw new Error(`promtool could not run (${out.error.message}): run npm run setup, or install the Debian package prometheus`);
  return { ok: out.status === 0, output: `${out.stdout}${out.stderr}`.trim() };
}

/** `promtool check rules` over the groups; returns promtool's complaint, or undefined when they pass. */
export function checkRules(groups: RuleGroup[]): string | undefined {
  return inTempDir((dir) => {
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, YAML.stringify({ groups }));
    const result = promtool(['check', 'rules', file]);
    return result.ok ? undefined : result.output;
  });
}

/**
 * Rules as the unit tests see them: annotations removed. promtool compares annotations exactly, so keeping them
 * would copy every description into the tests; `promtool check rules` still parses their templates.
 */
export function withoutAnnotations(groups: RuleGroup[]): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _, ...rule }) => rule) }));
}

/** The rule test files: one per alert, named <alert>.yaml. */
export function ruleTestFiles(): string[] {
  return readdirSync(RULE_TESTS_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(RULE_TESTS_DIR, f));
}

export interface TestRun {
  file: string;
  ok: boolean;
  output: string;
}

/** Runs each test file against the groups (written as rules.yaml beside a copy of the test file). */
export function testRules(groups: RuleGroup[], files = ruleTestFiles()): TestRun[] {
  return inTempDir((dir) => {
    writeFileSync(join(dir, 'rules.yaml'), YAML.stringify({ groups: withoutAnnotations(groups) }));
    return files.map((file) => {
      const copy = join(dir, basename(file));
      writeFileSync(copy, readFileSync(file, 'utf8'));
      const result = promtool(['test', 'rules', copy], dir);
      return { file, ok: result.ok, output: result.output };
    });
  });
}

/** Parses each expression as PromQL: wraps them all in recording rules and lets promtool read them. */
export function parseQueries(exprs: string[]): { expr: string; error: string }[] {
  if (exprs.length === 0) return [];
  const group = { name: 'parse', rules: exprs.map((expr, i) => ({ record: `query:parse:${i}`, expr })) };
  const complaint = checkRules([group]);
  if (!complaint) return [];
  // promtool names failing rules by position ("group "parse", rule 3, ..."); map them back.
  const failed = new Map<number, string>();
  for (const line of complaint.split('\n')) {
    const m = /, rule (\d+), /.exec(line);
    if (m) failed.set(Number(m[1]) - 1, line.trim());
  }
  if (failed.size === 0) return [{ expr: '(all)', error: complaint }];
  return [...failed].map(([i, error]) => ({ expr: exprs[i] ?? `#${i}`, error }));
}
