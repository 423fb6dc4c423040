// The invariant of issue 11 item 5: every setting read from a digest ends in exactly one outcome
// (unchanged, changed with old -> new and why, or dropped with why), and no outcome names a
// setting the digest doesn't hold. A pure check, run by the tests over whole sites.
import type { SiteObject } from '../site/model';
import type { Translation } from './types';

/** What is wrong with the translation's setting outcomes; empty when every setting is accounted for. */
export function checkSettingOutcomes(obj: SiteObject, translation: Translation): string[] {
  const who = `"${obj.name}" (${translation.key})`;
  const read = obj.settingsRead;
  if (!read) return [`${who}: the reader did not list the settings it read`];
  const outcomes = translation.verdict.settings;
  if (!outcomes) return [`${who}: the verdict accounts for no setting`];
  const problems: string[] = [];
  for (const setting of read) {
    const mine = outcomes.filter((o) => o.setting === setting);
    if (mine.length === 0) problems.push(`${who}: setting ${setting} has no outcome`);
    else if (mine.length > 1)
      problems.push(`${who}: setting ${setting} has ${mine.length} outcomes (${mine.map((o) => o.outcome).join(', ')})`);
  }
  for (const o of outcomes) {
    if (!read.includes(o.setting)) problems.push(`${who}: an outcome names ${o.setting}, which the digest does not hold`);
    if (o.outcome !== 'unchanged' && !o.reason.trim()) problems.push(`${who}: setting ${o.setting} is ${o.outcome} without a reason`);
    if (o.outcome === 'changed' && o.from === o.to) problems.push(`${who}: setting ${o.setting} is "changed" to the same value ${o.to}`);
  }
  return problems;
}
