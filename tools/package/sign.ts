/**
 * Helm provenance (`<archive>.prov`) for an archive that already exists.
 *
 * `helm package --sign` can only sign the archive it has just written, and packaging rewrites that archive (tar.ts),
 * so the provenance is written here in helm's format (pkg/provenance/sign.go: the chart's Chart.yaml as helm
 * serialises it, `...`, then `files:` with the archive's sha256, clear-signed with OpenPGP) and signed by gpg.
 * The inputs are the ones `helm package --sign` takes: a binary keyring with the secret key, the key's name, and
 * optionally a passphrase file. `helm verify` and `helm install --verify` accept the result (package.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { archiveFile, sha256File } from './tar.ts';

export interface SignOptions {
  /** Name (or email) of the signing key in the keyring. */
  key: string;
  /** A binary OpenPGP keyring holding the secret key (`gpg --export-secret-keys > secring.gpg`). */
  keyring: string;
  /** File holding the key's passphrase; omit for a key without one. */
  passphraseFile?: string;
}

function gpg(home: string, args: string[]): void {
  const out = spawnSync('gpg', ['--homedir', home, '--batch', '--yes', '--quiet', '--pinentry-mode', 'loopback', ...args], { encoding: 'utf8' });
  if (out.error) throw new Error(`signing needs gpg, which could not be run (${out.error.message}): install gnupg or package without a signing key`);
  if (out.status !== 0) throw new Error(`gpg ${args.join(' ')} failed:\n${out.stderr.trim()}`);
}

/** The text helm signs: Chart.yaml as stored in the archive, the YAML end marker, and the archive's checksum. */
export function provenanceMessage(archive: string, chartName: string): string {
  const tgz = readFileSync(archive);
  const chartYaml = archiveFile(tgz, `${chartName}/Chart.yaml`);
  if (!chartYaml) throw new Error(`${archive} has no ${chartName}/Chart.yaml`);
  return `${chartYaml.toString('utf8')}\n...\nfiles:\n  ${basename(archive)}: sha256:${sha256File(archive)}\n`;
}

/** Writes `<archive>.prov`, signed with the key named `sign.key` from the keyring file `sign.keyring`. */
export function writeProvenance(archive: string, chartName: string, sign: SignOptions): string {
  const home = mkdtempSync(join(tmpdir(), 'takhin-gpg-'));
  chmodSync(home, 0o700);
  const passphrase = sign.passphraseFile ? ['--passphrase-file', sign.passphraseFile] : ['--passphrase', ''];
  const message = join(home, 'message');
  const prov = `${archive}.prov`;
  try {
    writeFileSync(message, provenanceMessage(archive, chartName));
    gpg(home, [...passphrase, '--import', sign.keyring]);
    gpg(home, [...passphrase, '--local-user', sign.key, '--digest-algo', 'SHA256', '--output', prov, '--clearsign', message]);
    return prov;
  } finally {
    // gpg started an agent for this home directory: stop exactly that one, then remove the directory.
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
    rmSync(home, { recursive: true, force: true });
  }
}
