// What a command's progress notification and the log say while it reads or runs steps: each
// step's outcome as it settles, and each wait in the core's words (render.ts waitText), so the
// import and the readiness fixes tell a run the same way.
import type { StepOutcome } from '../core/phases/execute';
import { waitText } from '../core/phases/render';
import type { PacerWait } from '../core/tenant/pacer';
import type { Ctx } from './ctx';

/** The `report` of `ctx.ui.progress`. */
export type Report = (message: string, increment?: number) => void;

export interface RunProgress {
  /** Steps settled so far: what a cancelled run says it got through. */
  readonly settled: number;
  onProgress: (outcome: StepOutcome, done: number, total: number) => void;
  onWait: (wait: PacerWait) => void;
}

/** For a run of `total` steps: the count moves with each answer, and a wait is said beside it. */
export function runProgress(ctx: Pick<Ctx, 'log'>, report: Report, total: number): RunProgress {
  let settled = 0;
  return {
    get settled() {
      return settled;
    },
    onProgress: (o, done, all) => {
      settled = done;
      const line = `${o.status}: ${o.step.title}${o.intuneId ? ` -> ${o.intuneId}` : ''}${o.message ? ` (${o.message})` : ''}`;
      if (o.status === 'failed') ctx.log.error(line);
      else if (o.status === 'skipped') ctx.log.warn(line);
      else ctx.log.info(line);
      report(`${done}/${all} ${o.step.title}`, 100 / all);
    },
    onWait: readWaits(ctx, (text) => report(`${settled}/${total} — ${text}`)),
  };
}

/** For a read, which has no count: the wait is logged and is the progress's message. */
export function readWaits(ctx: Pick<Ctx, 'log'>, report: Report): (wait: PacerWait) => void {
  return (w) => {
    const text = waitText(w);
    ctx.log.info(text);
    report(text);
  };
}
