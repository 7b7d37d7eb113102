// Upgrade safety: fields Kubernetes will not change in place must not change between chart versions unless the
// major version is bumped and docs/upgrading.md says how to upgrade.

type Obj = Record<string, any>;

export interface ImmutableChange {
  object: string;
  field: string;
  before: unknown;
  after: unknown;
}

/** The fields whose change makes `helm upgrade` fail (or, for Services, silently recreate addressing). */
function immutableFields(doc: Obj): Record<string, unknown> {
  switch (doc.kind) {
    case 'StatefulSet':
      return {
        'spec.selector': doc.spec?.selector,
        'spec.serviceName': doc.spec?.serviceName,
        'spec.podManagementPolicy': doc.spec?.podManagementPolicy ?? 'OrderedReady',
        'spec.volumeClaimTemplates': (doc.spec?.volumeClaimTemplates ?? []).map((t: Obj) => ({ name: t.metadata?.name, spec: t.spec })),
      };
    case 'Deployment':
      return { 'spec.selector': doc.spec?.selector };
    case 'Service':
      return { 'spec.clusterIP': doc.spec?.clusterIP === 'None' ? 'None' : 'allocated' };
    default:
      return {};
  }
}

const key = (doc: Obj) => `${doc.kind}/${doc.metadata?.name}`;

/** Immutable-field differences between the objects two renders have in common. */
export function immutableChanges(before: Obj[], after: Obj[]): ImmutableChange[] {
  const old = new Map(before.filter(Boolean).map((d) => [key(d), d]));
  const out: ImmutableChange[] = [];
  for (const doc of after.filter(Boolean)) {
    const prev = old.get(key(doc));
    if (!prev) continue;
    const a = immutableFields(prev);
    const b = immutableFields(doc);
    for (const field of Object.keys(b)) {
      if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) out.push({ object: key(doc), field, before: a[field], after: b[field] });
    }
  }
  return out;
}

const major = (version: string) => Number(version.split('.')[0]);

/** A breaking change is allowed only with a major bump and an entry `## <chart> <version>` in docs/upgrading.md. */
export function breakingChangeAllowed(chart: string, baseVersion: string, version: string, upgradingMd: string): boolean {
  if (!(major(version) > major(baseVersion))) return false;
  const heading = new RegExp(`^#{2,3} ${chart.replace(/[-.]/g, '\\$&')} ${version.replace(/\./g, '\\.')}\\b`, 'm');
  return heading.test(upgradingMd);
}
