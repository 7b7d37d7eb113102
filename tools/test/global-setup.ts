// Runs once before the unit tests: the toolchain and chart dependencies the renders need.
import { ensureToolchain } from '../toolchain/install.ts';
import { buildDependencies } from '../render/helm.ts';

export default async function setup(): Promise<void> {
  // Under npm test the pipeline has built them already, and other checks read them while the tests run:
  // rebuilding here would rewrite charts/*/charts/*.tgz under their feet.
  if (process.env.TAKHIN_CHARTS_PREPARED === '1') return;
  await ensureToolchain(() => undefined);
  await buildDependencies();
}
