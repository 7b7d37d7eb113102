/**
 * Puts the entries of a chart archive written by `helm package` into one canonical order and compresses it the
 * same way everywhere.
 *
 * Helm 4.1.4 loads a chart's subcharts through a Go map (pkg/chart/v2/loader/load.go, `for n, files := range
 * subcharts`), so a chart with two or more dependencies is written with its subcharts in a random order: the
 * umbrella's archive differs from run to run even when every byte of every file is the same. The order fixed here
 * is helm's own (a chart's files, then each subchart depth-first) with subcharts sorted by name. Entries are moved
 * whole, headers untouched; only the gzip stream is new: GNU `gzip -n -9` (no name, no time), whose deflate output
 * has not changed in decades, rather than the compressor of whichever Go release built the local helm. Another gzip
 * (BSD/macOS) still writes a valid archive, with other bytes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive (a PAX `path` record wins over the header's name). */
  name: string;
  /** The entry's bytes as written: any PAX header, the header, the data padded to whole blocks. */
  bytes: Buffer;
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number, what: string): number {
  if ((header[offset] ?? 0) & 0x80) throw new Error(`tar entry ${what}: base-256 numbers are not expected in a chart archive`);
  const text = field(header, offset, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function paxPath(data: Buffer): string | undefined {
  let at = 0;
  let path: string | undefined;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = parseInt(data.subarray(at, space).toString('utf8'), 10);
    if (space < 0 || !Number.isFinite(length) || length <= 0) throw new Error('malformed PAX header in chart archive');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

/** Splits an uncompressed tar into entries; a PAX extended header travels with the entry it describes. */
export function parseTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let pending: { start: number; path?: string } | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const headerName = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = octal(header, 124, 12, headerName);
    const dataStart = at + BLOCK;
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (next > tar.length) throw new Error(`tar entry ${headerName} runs past the end of the archive`);
    if (typeflag === 'x') {
      pending = { start: at, path: paxPath(tar.subarray(dataStart, dataStart + size)) };
    } else if (typeflag === '0' || typeflag === '\0') {
      const name = pending?.path ?? (prefix ? `${prefix}/${headerName}` : headerName);
      entries.push({ name, bytes: tar.subarray(pending?.start ?? at, next) });
      pending = undefined;
    } else {
      throw new Error(`tar entry ${headerName} has type ${JSON.stringify(typeflag)}; helm writes only regular files`);
    }
    at = next;
  }
  return entries;
}

/** `takhin/charts/takhin-broker/charts/takhin-common/templates/x.tpl` → ['takhin', 'takhin-broker', 'takhin-common']. */
export function chartChain(name: string): string[] {
  const parts = name.split('/');
  const chain = [parts[0] ?? ''];
  for (let i = 1; parts[i] === 'charts' && i + 2 < parts.length; i += 2) chain.push(parts[i + 1]!);
  return chain;
}

function compareChains(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** Helm's order with subcharts sorted: a chart's own files in the order helm wrote them, then its subcharts by name. */
export function canonicalOrder(entries: TarEntry[]): TarEntry[] {
  return entries
    .map((entry, index) => ({ entry, index, chain: chartChain(entry.name) }))
    .sort((x, y) => compareChains(x.chain, y.chain) || x.index - y.index)
    .map((x) => x.entry);
}

export function gzipReproducibly(data: Buffer): Buffer {
  const out = spawnSync('gzip', ['-n', '-9', '-c'], { input: data, maxBuffer: 256 << 20 });
  if (out.error) throw new Error(`gzip could not be run (${out.error.message}): install gzip`);
  if (out.status !== 0) throw new Error(`gzip -n -9 failed: ${out.stderr.toString('utf8')}`);
  return out.stdout;
}

/** The archive helm wrote, with entries in canonical order and a reproducible gzip stream. */
export function canonicalArchive(tgz: Buffer): Buffer {
  const entries = canonicalOrder(parseTar(gunzipSync(tgz)));
  return gzipReproducibly(Buffer.concat([...entries.map((e) => e.bytes), Buffer.alloc(2 * BLOCK)]));
}

/** Entry names of a .tgz, in archive order. */
export function archiveEntries(tgz: Buffer): string[] {
  return parseTar(gunzipSync(tgz)).map((e) => e.name);
}

/** One file's content from a .tgz, or undefined. */
export function archiveFile(tgz: Buffer, name: string): Buffer | undefined {
  const tar = gunzipSync(tgz);
  const entry = parseTar(tar).find((e) => e.name === name);
  if (!entry) return undefined;
  const paxOrHeader = entry.bytes;
  // The file's own header is the last header before its data: skip a PAX header if there is one.
  let at = 0;
  if (String.fromCharCode(paxOrHeader[156] ?? 0) === 'x') at += BLOCK + Math.ceil(octal(paxOrHeader, 124, 12, name) / BLOCK) * BLOCK;
  const size = octal(paxOrHeader.subarray(at), 124, 12, name);
  return paxOrHeader.subarray(at + BLOCK, at + BLOCK + size);
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
