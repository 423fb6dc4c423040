// Each figure's target (issues 9, 16, 17), and where a run's figures stand against them: the bench
// writes `target.<figure>` beside each figure it has a target for ("ok" or "missed: …").
export const TARGETS: Record<string, { max?: number; min?: number }> = {
  'extension.activateMs': { max: 50 },
  'extension.bundleBytes': { max: 1_048_576 },
  'vsix.bytes': { max: 1_000_000 },
  'plan.checkMs': { max: 100 },
  'tree.firstPaintMs': { max: 50 },
  'picture.buildMs': { max: 1_000 },
  'siteRead.seconds': { max: 10 },
  'siteRead.peakRssMb': { max: 400 },
  'verify.callsPer1000Devices': { max: 5 },
  'import.largeGroupRatio': { max: 1.1 },
  'import.writeRateRatio': { min: 0.95 },
  'import.writeRateRatioBusy': { min: 0.95 },
  'faults.duplicates': { max: 0 },
  'faults.divergences': { max: 0 },
  'faults.crashes': { max: 0 },
};

export function standings(figures: Record<string, number | string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { max, min }] of Object.entries(TARGETS)) {
    const value = figures[name];
    if (typeof value !== 'number') continue;
    if (max !== undefined && value > max) out[`target.${name}`] = `missed: ${value} > ${max}`;
    else if (min !== undefined && value < min) out[`target.${name}`] = `missed: ${value} < ${min}`;
    else out[`target.${name}`] = `ok (${max !== undefined ? `≤ ${max}` : `≥ ${min}`})`;
  }
  return out;
}
