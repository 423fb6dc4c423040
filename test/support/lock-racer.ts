// A separate process for the journal-lock race test: at each agreed wall-clock time it tries to
// take the lock of one plan's ledger, holds it briefly if it won, and reports every round as a
// JSON line. Two of these started together race for the same lock, round after round.
import { lockJournal } from '../../src/core/session';

const [dir, rounds, start, step] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];

/** Wall-clock time with sub-millisecond precision, comparable between the two processes. */
const now = () => performance.timeOrigin + performance.now();

async function main() {
  for (let round = 0; round < rounds; round++) {
    const at = start + round * step;
    while (now() < at) {
      // spin on the sub-millisecond clock: both racers try within microseconds of each other
    }
    const ledger = `${dir}/round-${round}.ledger.jsonl`;
    try {
      const release = lockJournal(ledger, `round-${round}.migration.json`);
      const held = now();
      // The winner holds the lock for most of the round, so the other racer's try meets it.
      await new Promise((done) => setTimeout(done, Math.max(0, at + step * 0.8 - Date.now())));
      const released = now();
      await release();
      console.log(JSON.stringify({ round, won: true, held, released }));
    } catch (error) {
      console.log(JSON.stringify({ round, won: false, message: (error as Error).message }));
    }
  }
}

void main();
