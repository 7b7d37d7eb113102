// kubeconform over rendered manifests: strict, offline schemas only, a kind without a schema fails.
import { $ } from 'zx';
import { tool } from '../toolchain/install.ts';
import { kubeconformSchemaArgs } from '../toolchain/kube-schemas.ts';

export interface KubeconformFinding {
  object: string;
  status: string;
  msg: string;
}

export interface KubeconformResult {
  ok: boolean;
  resources: number;
  findings: KubeconformFinding[];
}

interface Raw {
  resources?: { filename: string; kind: string; name: string; version: string; status: string; msg: string }[];
  summary?: { valid: number; invalid: number; errors: number; skipped: number };
}

export async function kubeconform(manifests: string, kubeVersion: string): Promise<KubeconformResult> {
  const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', kubeVersion, ...kubeconformSchemaArgs(), '-'];
  const out = await $({ input: manifests, nothrow: true, quiet: true })`${tool('kubeconform')} ${args}`;
  let raw: Raw;
  try {
    raw = JSON.parse(out.stdout) as Raw;
  } catch {
    return { ok: false, resources: 0, findings: [{ object: '-', status: 'error', msg: `kubeconform output unreadable: ${out.stderr || out.stdout}`.slice(0, 500) }] };
  }
  const findings = (raw.resources ?? []).filter((r) => r.status !== 'statusValid').map((r) => ({ object: `${r.kind}/${r.name}`, status: r.status, msg: r.msg }));
  const s = raw.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 };
  return { ok: out.exitCode === 0 && findings.length === 0 && s.skipped === 0, resources: s.valid + s.invalid + s.errors + s.skipped, findings };
}
