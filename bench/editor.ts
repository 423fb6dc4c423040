// Editor paths (issue 16): what a keystroke in a plan and a repaint of the tree cost.
//   plan.checkMs      every product check (parse, schema, the product's own) on a plan with 50k users
//                     in 20 waves, as the editor runs them on each edit; median of several runs.
// (picture.buildMs is measured by the siteRead bench, over the 100k-user site it has just read.)
// Targets: plan.checkMs <= 100 ms.
import { checkPlanText } from '../src/core/plan';
import { worldPlan } from '../src/sandbox/site/contoso/plan';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** A plan as an admin with a big site writes it: 20 waves of 2,500 users, names with apostrophes and accents. */
export function bigWavesPlanText(users = 50_000, waves = 20): string {
  const first = ['Zoë', "D'Arcy", 'José', 'Åsa', 'Mary Ann', 'Łukasz', 'Siobhán', 'Jean-Luc'];
  const perWave = Math.ceil(users / waves);
  const plan = {
    ...worldPlan('Fabrikam — all regions'),
    waves: Array.from({ length: waves }, (_, w) => ({
      name: `Wave ${String(w + 1).padStart(2, '0')} – ${['Oslo', "Côte d'Ivoire", 'München', 'São Paulo'][w % 4]}`,
      users: Array.from({ length: Math.min(perWave, users - w * perWave) }, (_, u) => {
        const n = w * perWave + u;
        return `${first[n % first.length]
          .normalize('NFD')
          .replace(/[^A-Za-z]/g, '')
          .toLowerCase()}.user${n}@fabrikam.example`;
      }),
    })),
  };
  return JSON.stringify(plan, null, 2);
}

export async function benchEditor({ runs = 7, users = 50_000, waves = 20 } = {}): Promise<Record<string, number>> {
  const text = bigWavesPlanText(users, waves);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const loaded = checkPlanText(text, '/bench/fabrikam.migration.json', () => true);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!loaded.plan) throw new Error(`the bench plan has errors: ${loaded.findings.map((f) => f.message).join('; ')}`);
  }
  return { 'plan.checkMs': Number(median(times).toFixed(1)), 'plan.checkBytes': text.length };
}
