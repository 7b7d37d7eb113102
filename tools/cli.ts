// Command-line entry: `tsx tools/cli.ts <command>`; package.json scripts call it.
import { generateAll } from './generate/generate.ts';

const commands: Record<string, () => Promise<number>> = {
  async generate() {
    const written = generateAll();
    console.log(written.length ? `generated:\n  ${written.join('\n  ')}` : 'generated files are up to date');
    return 0;
  },
};

const name = process.argv[2] ?? '';
const command = commands[name];
if (!command) {
  console.error(`usage: tsx tools/cli.ts <${Object.keys(commands).join('|')}>`);
  process.exit(2);
}
process.exitCode = await command();
