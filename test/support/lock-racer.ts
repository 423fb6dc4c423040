// A separate process for the journal-lock race test: at each agreed wall-clock time it tries to
// take the lock of one plan's ledger, holds it briefly if it won, and reports every round as a
// JSON line. Two of these started together race for the same lock, round after round.
import { lockJournal } from '../../src/core/session';

const [dir, rounds, start, step] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];

async function main() {
  for (let round = 0; round < rounds; round++) {
    const at = start + round * step;
    while (Date.now() < at) {
      // spin: both racers must try within the same millisecond
    }
    const late = Date.now() - at;
    const ledger = `${dir}/round-${round}.ledger.jsonl`;
    try {
      const release = lockJournal(ledger, `round-${round}.migration.json`);
      // The winner holds the lock for most of the round, so the other racer's try meets it.
      await new Promise((done) => setTimeout(done, Math.max(0, at + step * 0.8 - Date.now())));
      await release();
      console.log(JSON.stringify({ round, won: true, late }));
    } catch (error) {
      console.log(JSON.stringify({ round, won: false, late, message: (error as Error).message }));
    }
  }
}

void main();
