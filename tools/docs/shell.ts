// Shell text -> the simple commands in it (argv lists), enough to check the helm and kubectl lines of the docs.
// Not a shell: it knows quoting, `$(...)`, backslash continuations, pipes and lists, comments, redirections and
// here-documents, which is what documentation snippets use. Pure functions only.

/** `<name>`-style placeholders some pages use (`<namespace>`); read as one word rather than as redirections. */
const PLACEHOLDER = /^<[A-Za-z][\w.-]*>/;
/** Words that start a compound command or precede the command proper. */
const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);

/** Every simple command in `src` (including those inside `$(...)`), as argv lists without quotes. */
export function shellCommands(src: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const heredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let i = 0;

  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    while (words.length && (PREFIX_WORDS.has(words[0] ?? '') || /^[A-Za-z_]\w*=/.test(words[0] ?? ''))) words.shift();
    if (words.length) commands.push(words);
    words = [];
  };
  const append = (s: string) => {
    word = (word ?? '') + s;
  };
  /** Index just past the `)` matching the `(` before `start`, skipping quotes and nested parentheses. */
  const matchParen = (start: number): number => {
    let depth = 1;
    let j = start;
    while (j < src.length && depth > 0) {
      const c = src[j];
      if (c === '\\') j += 2;
      else if (c === "'") j = src.indexOf("'", j + 1) + 1 || src.length;
      else if (c === '"') j = skipDoubleQuoted(src, j + 1);
      else {
        if (c === '(') depth++;
        if (c === ')') depth--;
        j++;
      }
    }
    return j;
  };
  /** Collects the commands of the `$(...)` whose body starts at `start`; returns the index after its `)`. */
  const substitution = (start: number): number => {
    const end = matchParen(start);
    commands.push(...shellCommands(src.slice(start, end - 1)));
    return end;
  };

  while (i < src.length) {
    const c = src[i] ?? '';
    const next = src[i + 1] ?? '';
    if (c === '\\' && next === '\n') {
      i += 2;
    } else if (c === '\\') {
      append(next);
      i += 2;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      append(src.slice(i + 1, end < 0 ? src.length : end));
      i = end < 0 ? src.length : end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          text += src[j + 1];
          j += 2;
        } else if (src[j] === '$' && src[j + 1] === '(') {
          const end = substitution(j + 2);
          text += src.slice(j, end);
          j = end;
        } else {
          text += src[j];
          j++;
        }
      }
      append(text);
      i = j + 1;
    } else if (c === '$' && next === '(') {
      const end = substitution(i + 2);
      append(src.slice(i, end));
      i = end;
    } else if (c === '#' && word === undefined) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n') {
      endCommand();
      i++;
      for (const h of heredocs.splice(0)) {
        while (i < src.length) {
          const lineEnd = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
          const line = src.slice(i, lineEnd);
          i = lineEnd + 1;
          if ((h.stripTabs ? line.replace(/^\t+/, '') : line) === h.delimiter) break;
        }
      }
    } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endCommand();
      i += (c === '&' || c === '|') && next === c ? 2 : 1;
    } else if (c === '<' && PLACEHOLDER.test(src.slice(i))) {
      const m = PLACEHOLDER.exec(src.slice(i))?.[0] ?? '';
      append(m);
      i += m.length;
    } else if (c === '<' || c === '>') {
      // A redirection: an fd number before it is not a word; the target after it is not an argument.
      if (word !== undefined && /^\d+$/.test(word)) word = undefined;
      endWord();
      if (c === '<' && next === '<' && src[i + 2] !== '<') {
        const m = /^<<(-?)\s*(['"]?)([\w.-]+)\2/.exec(src.slice(i));
        if (m) {
          heredocs.push({ delimiter: m[3] ?? '', stripTabs: m[1] === '-' });
          i += m[0].length;
          continue;
        }
      }
      i++;
      while (src[i] === '>' || src[i] === '<' || src[i] === '&' || src[i] === '|') i++;
      while (src[i] === ' ' || src[i] === '\t') i++;
      const target = /^("[^"]*"|'[^']*'|[^\s;&|()<>]+)/.exec(src.slice(i));
      i += target ? target[0].length : 0;
    } else {
      append(c);
      i++;
    }
  }
  endCommand();
  return commands;
}

function skipDoubleQuoted(src: string, from: number): number {
  let j = from;
  while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
  return j + 1;
}
