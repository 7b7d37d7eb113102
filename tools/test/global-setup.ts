// Runs once before the unit tests: the toolchain and chart dependencies the renders need.
import { ensureToolchain } from '../toolchain/install.ts';
import { buildDependencies } from '../render/helm.ts';

export default async function setup(): Promise<void> {
  await ensureToolchain(() => undefined);
  await buildDependencies();
}
