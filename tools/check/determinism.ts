// GitOps determinism: no template may call a function whose result changes between renders.

/** Sprig/Helm functions that make output differ between renders of the same values. */
export const NONDETERMINISTIC = ['lookup', 'randAlphaNum', 'randAlpha', 'randNumeric', 'randAscii', 'randInt', 'randBytes', 'uuidv4', 'now', 'date', 'dateInZone', 'dateModify', 'unixEpoch', 'genPrivateKey', 'genCA', 'genSelfSignedCert', 'genSignedCert', 'derivePassword'];

export interface TemplateFinding {
  file: string;
  line: number;
  fn: string;
}

/** Calls of non-deterministic functions inside template actions (`{{ ... }}`), comments excluded. */
export function nondeterministicCalls(file: string, text: string): TemplateFinding[] {
  const out: TemplateFinding[] = [];
  const actions = /\{\{-?([\s\S]*?)-?\}\}/g;
  for (const m of text.matchAll(actions)) {
    const body = m[1] ?? '';
    if (/^\s*\/\*/.test(body)) continue;
    for (const fn of NONDETERMINISTIC) {
      if (new RegExp(`(^|[\\s(|])${fn}(?=[\\s)]|$)`).test(body)) {
        out.push({ file, line: text.slice(0, m.index).split('\n').length, fn });
      }
    }
  }
  return out;
}
