/**
 * Generates kubeconform's schemas offline from Go modules (the only route to them on these machines), caches
 * them per machine by source version, and links them into the repository's .tools/.
 * Run it: `npx tsx tools/toolchain/kube-schemas.ts`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { coreSchemasFromSwagger, crdSchemas, type Schema } from './openapi-to-kubeconform.ts';
import { CRD_SCHEMA_DIR, KUBE_SCHEMA_DIR, MACHINE_CACHE } from './paths.ts';
import { CRD_SOURCES, KUBE_VERSIONS } from './versions.ts';

const MARKER = '.complete';
const CONVERTER = fileURLToPath(new URL('./openapi-to-kubeconform.ts', import.meta.url));

/** kubeconform flags that make it read only these schemas (core by its default directory layout, CRDs flat). */
export function kubeconformSchemaArgs(): string[] {
  return ['-schema-location', KUBE_SCHEMA_DIR, '-schema-location', `${CRD_SCHEMA_DIR}/{{ .ResourceKind }}{{ .KindSuffix }}.json`];
}

/**
 * Makes `KUBE_SCHEMA_DIR/v<ver>-standalone-strict/` exist for every KUBE_VERSIONS entry and `CRD_SCHEMA_DIR/`
 * hold every CRD_SOURCES schema. Generates only what the machine cache lacks; otherwise only checks links.
 */
export async function ensureKubeSchemas(log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  // A change to the conversion must regenerate caches made by the old one, so its source is part of the key.
  const converter = createHash('sha256').update(await readFile(CONVERTER)).digest('hex').slice(0, 12);

  for (const version of KUBE_VERSIONS) {
    const source = `k8s.io/kubernetes@v${version}`;
    const cached = join(MACHINE_CACHE, 'kube-schemas', `v${version}-standalone-strict`);
    await ensureCached(cached, `${source} converter ${converter}`, source, log, async () => {
      const swaggerPath = join(await goModDownload(source, log), 'api', 'openapi-spec', 'swagger.json');
      const swagger = await readFile(swaggerPath, 'utf8').catch(() => {
        throw new Error(`${source} has no ${swaggerPath}: check KUBE_VERSIONS in tools/toolchain/versions.ts`);
      });
      return coreSchemasFromSwagger(JSON.parse(swagger));
    });
    await linkAtomically(cached, join(KUBE_SCHEMA_DIR, basename(cached)));
  }

  const crdFiles = new Map<string, string>();
  for (const { module, version, files } of CRD_SOURCES) {
    const source = `${module}@${version}`;
    const cached = join(MACHINE_CACHE, 'crd-schemas', `${module.replaceAll('/', '_')}@${version}`);
    await ensureCached(cached, `${source} ${files.join(' ')} converter ${converter}`, source, log, async () => {
      const moduleDir = await goModDownload(source, log);
      const schemas = new Map<string, Schema>();
      for (const file of files) {
        for (const [name, schema] of await crdSchemasFromFile(join(moduleDir, file), source)) schemas.set(name, schema);
      }
      return schemas;
    });
    for (const name of await readdir(cached)) {
      if (!name.endsWith('.json')) continue;
      const other = crdFiles.get(name);
      if (other) throw new Error(`CRD schema ${name} comes from two CRD_SOURCES (${other} and ${cached}): keep one in versions.ts`);
      crdFiles.set(name, join(cached, name));
    }
  }
  await syncLinks(CRD_SCHEMA_DIR, crdFiles);
}

/**
 * Fills `dir` from `produce()` unless its marker already names `stamp`. Writes into a temporary sibling and
 * renames it into place, so an interrupted run leaves either the old cache or none, never half of one.
 */
async function ensureCached(
  dir: string,
  stamp: string,
  label: string,
  log: (line: string) => void,
  produce: () => Promise<Map<string, Schema>>,
): Promise<void> {
  if ((await readMarker(dir)) === stamp) return;
  const started = performance.now();
  log(`${label}: generating kubeconform schemas into ${dir}`);
  await removeAbandonedTemporaries(dir);
  const schemas = await produce();

  const temporary = `${dir}.tmp-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary, { recursive: true });
  for (const [name, schema] of schemas) await writeFile(join(temporary, name), `${JSON.stringify(schema, null, 2)}\n`);
  await writeFile(join(temporary, MARKER), stamp);

  await rm(dir, { recursive: true, force: true });
  try {
    await rename(temporary, dir);
  } catch (error) {
    // Another run may have finished the same cache between our rm and rename: theirs is as good as ours.
    await rm(temporary, { recursive: true, force: true });
    if ((await readMarker(dir)) !== stamp) throw error;
  }
  log(`${label}: ${schemas.size} schemas in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

async function readMarker(dir: string): Promise<string | undefined> {
  return readFile(join(dir, MARKER), 'utf8').catch(() => undefined);
}

/** Deletes `<dir>.tmp-<pid>` siblings left by runs that were killed (their process no longer exists). */
async function removeAbandonedTemporaries(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.tmp-`;
  const siblings = await readdir(dirname(dir)).catch(() => []);
  for (const name of siblings) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && !isRunning(pid)) {
      await rm(join(dirname(dir), name), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `go mod download` fetches a module through the Go proxy (cached in GOMODCACHE) and returns its directory. */
async function goModDownload(source: string, log: (line: string) => void): Promise<string> {
  log(`${source}: go mod download (first time per machine, then cached in GOMODCACHE)`);
  // Outside any module, so a go.mod or go.work in the current directory cannot change what is resolved.
  const run = promisify(execFile)('go', ['mod', 'download', '-json', source], { cwd: tmpdir(), maxBuffer: 16 << 20 });
  const { stdout } = await run.catch((error: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
    if (error.code === 'ENOENT') {
      throw new Error('go not found on PATH: install Go 1.22+ and put it on PATH (the Debian golang-go package is too old), then retry');
    }
    if (!error.stdout) throw new Error(`go mod download ${source} failed: ${error.stderr ?? error.message}`);
    return { stdout: error.stdout };
  });
  const result = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (result.Error || !result.Dir) {
    throw new Error(
      `go mod download ${source} failed: ${result.Error ?? 'no Dir in its output'}. ` +
        'Check the version in tools/toolchain/versions.ts and that the Go module proxy (GOPROXY) is reachable.',
    );
  }
  return result.Dir;
}

async function crdSchemasFromFile(path: string, source: string): Promise<Map<string, Schema>> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(`${source} has no ${path}: fix the files listed for it in CRD_SOURCES (tools/toolchain/versions.ts)`);
  });
  const schemas = new Map<string, Schema>();
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${path}: invalid YAML: ${document.errors[0]?.message}`);
    const value: unknown = document.toJS();
    if (typeof value !== 'object' || value === null) continue;
    for (const [name, schema] of crdSchemas(value)) schemas.set(name, schema);
  }
  if (schemas.size === 0) throw new Error(`${path} (${source}) holds no CustomResourceDefinition with a schema`);
  return schemas;
}

/** Points `link` at `target`, replacing whatever was there in one rename. */
async function linkAtomically(target: string, link: string): Promise<void> {
  if ((await readlink(link).catch(() => undefined)) === target) return;
  await mkdir(dirname(link), { recursive: true });
  const temporary = `${link}.tmp-${process.pid}`;
  await rm(temporary, { force: true });
  await symlink(target, temporary);
  // rename() replaces files and links but not a real directory.
  if ((await lstat(link).catch(() => undefined))?.isDirectory()) await rm(link, { recursive: true });
  await rename(temporary, link);
}

/** Makes `dir` hold exactly one link per entry of `targets` (name -> target); stale links of old versions go. */
async function syncLinks(dir: string, targets: Map<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (!targets.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
  for (const [name, target] of targets) await linkAtomically(target, join(dir, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  try {
    await ensureKubeSchemas((line) => console.log(line));
    console.log(`kubeconform schemas ready in ${KUBE_SCHEMA_DIR} and ${CRD_SCHEMA_DIR} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
