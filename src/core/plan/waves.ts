// What the plan says of its waves that more than one layer needs: the ConfigMgr collection a wave
// gets (phase 3 writes it into the runbook; the analysis recognises its exclude rule).
import type { MigrationPlan } from './types';

/** The ConfigMgr user collection a wave gets: the plan's `collectionName`, else `cm2intune wave - <name>`. */
export function waveCollectionName(wave: { name: string; collectionName?: string }): string {
  return wave.collectionName ?? `cm2intune wave - ${wave.name}`;
}

/**
 * Collection ids whose exclude rule on the subscription collection is a wave of this plan: a
 * migration step, not a targeting decision. Moving users to Intune must not take the Intune
 * assignments of the subscription collection's deployments away from them.
 */
export function waveExcludes(
  plan: MigrationPlan,
  collections: { id: string; name: string; rules?: { kind: string; collectionId?: string }[] }[],
): Set<string> {
  const names = new Set((plan.waves ?? []).map((w) => waveCollectionName(w).toLowerCase()));
  const subscription = collections.find((c) => c.id === plan.subscriptionCollection);
  const out = new Set<string>();
  for (const rule of subscription?.rules ?? []) {
    if (rule.kind !== 'exclude' || !rule.collectionId) continue;
    const excluded = collections.find((c) => c.id === rule.collectionId);
    if (excluded && names.has(excluded.name.toLowerCase())) out.add(excluded.id);
  }
  return out;
}
