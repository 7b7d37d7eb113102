/**
 * Metric names in a PromQL expression, from a small lexer. It needs to know only enough PromQL to tell metric
 * names from functions, keywords and label names; whether an expression is valid PromQL is promtool's job
 * (see promtool.ts). Grafana's own variables are replaced first by expandGrafanaVariables().
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'atan2', 'start', 'end', 'inf', 'nan']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

type TokenKind = 'ident' | 'string' | 'number' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
  /** Strings: the unquoted value. */
  value?: string;
}

const NUMBER = /^(0[xX][0-9a-fA-F]+|([0-9]+(ms|s|m|h|d|w|y))+|[0-9]*\.?[0-9]+([eE][+-]?[0-9]+)?)/;
const IDENT = /^([a-zA-Z_]|:[a-zA-Z_:])[a-zA-Z0-9_:]*/;
const OPERATORS = ['=~', '!~', '!=', '==', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '^', '@', '(', ')', '{', '}', '[', ']', ',', ':'];

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const c = expr[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      const end = expr.indexOf('\n', i);
      i = end < 0 ? expr.length : end;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let value = '';
      while (j < expr.length && expr[j] !== c) {
        if (c !== '`' && expr[j] === '\\') j++;
        value += expr[j] ?? '';
        j++;
      }
      if (j >= expr.length) throw new Error(`unterminated string at offset ${i} in: ${expr}`);
      tokens.push({ kind: 'string', text: expr.slice(i, j + 1), value });
      i = j + 1;
    } else if (/[0-9.]/.test(c) && NUMBER.test(rest)) {
      const text = (NUMBER.exec(rest) as RegExpExecArray)[0];
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (IDENT.test(rest)) {
      const text = (IDENT.exec(rest) as RegExpExecArray)[0];
      tokens.push({ kind: 'ident', text });
      i += text.length;
    } else {
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (!op) throw new Error(`unexpected character ${JSON.stringify(c)} at offset ${i} in: ${expr}`);
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** Every metric name an expression selects, in order of first use. A regex on __name__ is reported as `~<regex>`. */
export function metricNames(expr: string): string[] {
  const tokens = tokenize(expr);
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  let braces = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    if (t.kind === 'punct') {
      if (t.text === '{') braces++;
      if (t.text === '}') braces--;
      continue;
    }
    if (t.kind !== 'ident') continue;
    if (braces > 0) {
      // Label names; only a matcher on __name__ names a metric.
      if (t.text === '__name__' && next && tokens[i + 2]?.kind === 'string') {
        add(next.text === '=' ? (tokens[i + 2]?.value as string) : `~${tokens[i + 2]?.value}`);
      }
      continue;
    }
    const word = t.text.toLowerCase();
    if (LABEL_LISTS.has(word) && next?.text === '(') {
      // Skip the label list.
      let depth = 0;
      for (i = i + 1; i < tokens.length; i++) {
        if (tokens[i]?.text === '(') depth++;
        if (tokens[i]?.text === ')' && --depth === 0) break;
      }
      continue;
    }
    if (KEYWORDS.has(word)) continue;
    if (next?.text === '(') continue; // a function call
    if (AGGREGATIONS.has(t.text) && (next?.text === 'by' || next?.text === 'without')) continue;
    add(t.text);
  }
  return names;
}

/** Grafana's built-in interval variables, replaced by durations so the query is plain PromQL. */
const GRAFANA_BUILTINS: Record<string, string> = { __rate_interval: '5m', __interval: '1m', __range: '6h' };

export function expandGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{?(__rate_interval|__interval|__range)\}?/g, (_, name: string) => GRAFANA_BUILTINS[name] as string);
}

/** The PromQL inside a Grafana variable query: the selector of label_values(selector, label), if any. */
export function variableQueryExpr(query: string): string | undefined {
  const m = /^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  if (m) return m[1];
  if (/^\s*label_values\(\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/.test(query)) return undefined;
  return query;
}
