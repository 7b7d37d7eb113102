// Checks a documented helm or kubectl command line against what the CLI accepts. Pure: helm's own `--help` text is
// handed in by the caller, so these functions never run a process.

export interface FlagSpec {
  /** The flag consumes the next word as its value (`--namespace x`); false for booleans and optional values. */
  takesValue: boolean;
}

export interface Help {
  /** Subcommands listed under "Available Commands:". */
  subcommands: string[];
  /** Long (`--values`) and short (`-f`) names of every local and global flag. */
  flags: Map<string, FlagSpec>;
  /** Most positional arguments the usage lines allow; Infinity when one ends in `...`. */
  maxArgs: number;
}

/** Reads a cobra `--help` text (helm's): subcommands, flags and how many positional arguments the usage allows. */
export function parseHelp(text: string, commandPath: string[]): Help {
  const lines = text.split('\n');
  const subcommands: string[] = [];
  const flags = new Map<string, FlagSpec>();
  let maxArgs = 0;
  let section = '';
  for (const line of lines) {
    if (/^\S.*:$/.test(line)) {
      section = line;
      continue;
    }
    if (section === 'Usage:') {
      const usage = line.trim().split(/\s+/);
      if (usage.slice(0, commandPath.length + 1).join(' ') !== ['helm', ...commandPath].join(' ')) continue;
      const rest = line.trim().slice(['helm', ...commandPath].join(' ').length);
      const args = (rest.match(/\[[^\]]*\]|<[^>]*>|\S+/g) ?? []).filter((a) => a !== '[flags]' && a !== '[command]');
      maxArgs = Math.max(maxArgs, args.some((a) => a.includes('...')) ? Infinity : args.length);
    } else if (section === 'Available Commands:') {
      const m = /^\s+(\S+)\s{2,}/.exec(line);
      if (m?.[1]) subcommands.push(m[1]);
    } else if (section === 'Flags:' || section === 'Global Flags:') {
      const m = /^\s+(?:-([A-Za-z0-9]), )?--([A-Za-z0-9][\w-]*)(?: (\S+))?(?:\s{2,}|\s*$)/.exec(line);
      if (!m) continue;
      const type = m[3];
      const spec = { takesValue: type !== undefined && !type.includes('[=') };
      flags.set(`--${m[2]}`, spec);
      if (m[1]) flags.set(`-${m[1]}`, spec);
    }
  }
  return { subcommands, flags, maxArgs };
}

export type HelpLookup = (commandPath: string[]) => Promise<Help>;

/**
 * Problems of one `helm ...` argv: an unknown subcommand, a flag the pinned helm does not have, a value-taking flag
 * without its value, or more positional arguments than the usage allows.
 */
export async function checkHelmArgs(argv: string[], help: HelpLookup): Promise<string[]> {
  const problems: string[] = [];
  const path: string[] = [];
  let current = await help(path);
  const positionals: string[] = [];
  let onlyArgs = false;

  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (!onlyArgs && word === '--') {
      onlyArgs = true;
      continue;
    }
    if (!onlyArgs && word.startsWith('-') && word !== '-') {
      const name = word.startsWith('--') ? word.split('=')[0] ?? word : word.slice(0, 2);
      const spec = current.flags.get(name);
      if (!spec) {
        problems.push(`helm ${path.join(' ') || '(no subcommand)'} has no flag ${name} (checked against \`helm ${[...path, '--help'].join(' ')}\` of the pinned Helm)`);
        continue;
      }
      const inline = word.startsWith('--') ? word.includes('=') : word.length > 2;
      if (spec.takesValue && !inline) {
        if (i + 1 >= argv.length) problems.push(`helm ${path.join(' ')}: ${name} needs a value`);
        i++;
      }
      continue;
    }
    // The first words name the command, as deep as helm has subcommands.
    if (positionals.length === 0 && current.subcommands.length > 0) {
      if (!current.subcommands.includes(word)) {
        problems.push(`helm ${path.join(' ') || ''}${path.length ? ' ' : ''}has no subcommand "${word}" (pinned Helm has: ${current.subcommands.join(', ')})`);
        return problems;
      }
      path.push(word);
      current = await help(path);
      continue;
    }
    positionals.push(word);
  }
  if (path.length === 0) problems.push('helm without a subcommand');
  else if (positionals.length > current.maxArgs) {
    problems.push(`helm ${path.join(' ')} takes at most ${current.maxArgs} argument(s), got ${positionals.length}: ${positionals.join(' ')} (is a flag misspelt or missing its value?)`);
  }
  return problems;
}

/** kubectl's commands (v1.35). kubectl is not installed here, so its lines get this syntax-level check only. */
export const KUBECTL_COMMANDS = [
  'annotate', 'api-resources', 'api-versions', 'apply', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info',
  'completion', 'config', 'cordon', 'cp', 'create', 'debug', 'delete', 'describe', 'diff', 'drain', 'edit', 'events',
  'exec', 'explain', 'expose', 'get', 'kustomize', 'label', 'logs', 'options', 'patch', 'plugin', 'port-forward',
  'proxy', 'replace', 'rollout', 'run', 'scale', 'set', 'taint', 'top', 'uncordon', 'version', 'wait',
];

/** kubectl flags that take a value and may come before the command (`kubectl -n ns get pods`). */
const KUBECTL_GLOBAL_VALUE_FLAGS = ['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as', '--as-group', '--request-timeout', '-v'];

/** Problems of one `kubectl ...` argv: no command, or a command kubectl does not have. */
export function checkKubectlArgs(argv: string[]): string[] {
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word.startsWith('-')) {
      if (KUBECTL_GLOBAL_VALUE_FLAGS.includes(word)) i++;
      continue;
    }
    return KUBECTL_COMMANDS.includes(word) ? [] : [`kubectl has no command "${word}"`];
  }
  return ['kubectl without a command'];
}
