import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in tools/toolchain/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Per-machine cache shared by every clone: expensive builds and downloads are kept here by version. */
export const MACHINE_CACHE = process.env.TAKHIN_CHARTS_CACHE
  ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'takhin-charts');

/** Project-local, git-ignored toolchain directory: bin/ holds links into the machine cache. */
export const TOOLS_DIR = process.env.TAKHIN_CHARTS_TOOLS ?? join(REPO_ROOT, '.tools');
export const TOOLS_BIN = join(TOOLS_DIR, 'bin');

/** kubeconform schema roots, populated from Go modules (see kube-schemas.ts). */
export const KUBE_SCHEMA_DIR = join(TOOLS_DIR, 'kube-schemas');
export const CRD_SCHEMA_DIR = join(TOOLS_DIR, 'crd-schemas');

export const CHARTS_DIR = join(REPO_ROOT, 'charts');
export const PRESETS_DIR = join(REPO_ROOT, 'values-examples');
