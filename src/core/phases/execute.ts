// Runs steps through the Graph port with the write-ahead journal: intents synced before the
// requests leave, outcomes after. Independent steps go out together as paced $batch requests,
// each of one Graph service (Intune's writes never queue behind a large group's members, which
// Entra ID paces on its own); a step runs once every key it needs has an Intune id. A create whose outcome is unknown is
// looked up by its marker (`reconcile`), never sent again blindly.
import { randomUUID } from 'node:crypto';
import type { Journal, JournalEntry } from '../ledger/journal';
import type { BatchRequest, BatchResult, GraphPort } from '../tenant/graph-port';
import { serviceOf, type GraphService, type PacerWait } from '../tenant/pacer';
import { fillIds } from '../placeholders';
import type { Step } from './steps';

/**
 * $batch requests (of up to 20 steps) in flight at once per Graph service, most of them waiting
 * in the pacer: more than Intune's 100 writes per window / 20, so a freed window is used in full.
 */
const MAX_BATCHES_IN_FLIGHT = 8;

export type StepStatus = 'done' | 'failed' | 'skipped' | 'reconciled';

export interface StepOutcome {
  step: Step;
  status: StepStatus;
  intuneId?: string;
  message?: string;
}

export interface ExecuteOptions {
  graph: GraphPort;
  journal: Journal;
  phase: string;
  /** Intune ids already known (tenant read + ledger), by key. Extended as steps create objects. */
  ids: Map<string, string>;
  /**
   * Settles a write whose answer was lost, against the tenant: for a create, the object found by
   * its marker; for added members, the group once they are all in it; null if it didn't happen.
   * The step comes with its ids filled in.
   */
  reconcile(step: Step, sentAt: number): Promise<string | null>;
  signal?: AbortSignal;
  onProgress?(outcome: StepOutcome, done: number, total: number): void;
  /** Told when requests wait for a service's limit or for a service that asked to wait (render.ts waitText). */
  onWait?: (wait: PacerWait) => void;
  now?: () => Date;
}

/**
 * The steps in the order they should leave: those with the longest chain of steps waiting for
 * them first (a trusted root before its SCEP profile before the VPN profile that uses it, a
 * group before its members, an object before its assignment), then as proposed. In proposal
 * order a chain's last links queued behind every independent step and spilled into extra
 * windows at the end: a write window each.
 */
function byCriticalPath(steps: Step[], producedBy: Map<string, Step>): Step[] {
  const waitingFor = new Map<string, Step[]>();
  for (const step of steps)
    for (const key of step.needs) if (producedBy.has(key)) waitingFor.set(key, [...(waitingFor.get(key) ?? []), step]);
  const depth = new Map<Step, number>();
  const chain = (step: Step, seen: Set<Step>): number => {
    const known = depth.get(step);
    if (known !== undefined) return known;
    if (seen.has(step)) return 0; // a cycle cannot run anyway; it is reported as skipped
    seen.add(step);
    const produces = producedBy.get(step.key) === step ? (waitingFor.get(step.key) ?? []) : [];
    const d = 1 + Math.max(0, ...produces.map((next) => chain(next, seen)));
    depth.set(step, d);
    return d;
  };
  const order = new Map(steps.map((step, index) => [step, index]));
  return steps.slice().sort((a, b) => chain(b, new Set()) - chain(a, new Set()) || order.get(a)! - order.get(b)!);
}

export async function executeSteps(steps: Step[], options: ExecuteOptions): Promise<StepOutcome[]> {
  const { graph, journal, ids } = options;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const run = randomUUID();
  journal.append({ t: 'run', run, at: now(), phase: options.phase, steps: steps.length });

  const outcomes = new Map<string, StepOutcome>();
  const producedBy = new Map(steps.filter((s) => s.action === 'create' || s.action === 'createGroup').map((s) => [s.key, s]));
  const settle = (outcome: StepOutcome) => {
    outcomes.set(outcome.step.id, outcome);
    options.onProgress?.(outcome, outcomes.size, steps.length);
  };

  // Pipelined: a step leaves as soon as the ids it needs exist, in $batch requests of up to 20,
  // several in flight; the pacer, not the rounds, sets the pace. Waiting for a whole round of
  // dependencies before starting the next would leave the write quota idle.
  const inFlight = new Set<Promise<void>>();
  const busy = new Map<GraphService, number>();
  let failure: unknown;
  let pending = byCriticalPath(steps, producedBy);
  for (;;) {
    if (failure === undefined && options.signal?.aborted) failure = options.signal.reason;
    if (failure !== undefined) {
      await Promise.allSettled(inFlight);
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what failed (a step's error, an abort reason) goes on unchanged
      throw failure;
    }
    const ready: Step[] = [];
    const waiting: Step[] = [];
    for (const step of pending) {
      const producerDone = (key: string) => outcomes.has(producedBy.get(key)!.id);
      const blocker = step.needs.find((key) => !ids.has(key) && (!producedBy.has(key) || producerDone(key)));
      if (blocker) {
        const by = producedBy.get(blocker);
        settle({
          step,
          status: 'skipped',
          message: by ? `needs "${by.title}", which did not complete` : `needs ${blocker}, which is not in Intune`,
        });
      } else if (step.needs.every((key) => ids.has(key))) {
        ready.push(step);
      } else {
        waiting.push(step);
      }
    }
    // Chunks of one service and one API version each (a $batch call goes to one version: a mixed
    // chunk was two calls, the second waiting for the window while holding the first's outcomes
    // and this slot), in step order, each service with its own slots: a full directory queue does
    // not hold back Intune's chunks.
    const unsent = new Set(ready);
    for (const service of new Set(ready.map((step) => serviceOf(step.request.path)))) {
      const mine = ready.filter((step) => serviceOf(step.request.path) === service);
      while (mine.length > 0 && (busy.get(service) ?? 0) < MAX_BATCHES_IN_FLIGHT) {
        const version = mine[0].request.version;
        const chunk = mine.filter((step) => step.request.version === version).slice(0, 20);
        for (const step of chunk) {
          unsent.delete(step);
          mine.splice(mine.indexOf(step), 1);
        }
        busy.set(service, (busy.get(service) ?? 0) + 1);
        const flight: Promise<void> = send(chunk).catch((error) => {
          failure ??= error;
        });
        inFlight.add(flight);
        void flight.finally(() => {
          inFlight.delete(flight);
          busy.set(service, busy.get(service)! - 1);
        });
      }
    }
    const still = new Set([...unsent, ...waiting]);
    pending = pending.filter((step) => still.has(step));
    if (inFlight.size === 0) break; // nothing on the wire and nothing can start
    await Promise.race(inFlight);
  }
  for (const step of pending) {
    if (!outcomes.has(step.id)) settle({ step, status: 'skipped', message: 'a step it needs did not complete' });
  }
  return steps.map((s) => outcomes.get(s.id)!);

  async function send(chunk: Step[]) {
    journal.append(...chunk.map((step) => ({ t: 'intent' as const, run, step: step.id, key: step.key, action: step.action, at: now() })));
    const requests: BatchRequest[] = chunk.map((step, index) => ({
      id: String(index + 1),
      method: step.request.method,
      path: fillIds(step.request.path, ids) as string,
      body: fillIds(step.request.body, ids),
      version: step.request.version,
      odataType: step.request.odataType,
      // assign replaces the whole assignment set, a PATCH sets the same values and a licence
      // already held takes no second seat: sending any of them twice is harmless
      idempotent: step.action === 'assign' || step.action === 'update' || step.action === 'assignLicense',
    }));
    const sentAt = Date.now();
    const results = await graph.batch(requests, { signal: options.signal, onWait: options.onWait });
    // The chunk's outcomes are synced in one append, not one per step: a 10,000-member group is
    // 500 steps, and a sync each held the event loop (and so every other service's requests)
    // for seconds. What needs a look at the tenant first is recorded after it, one by one.
    const lines: JournalEntry[] = [];
    const settled: StepOutcome[] = [];
    const unsure: [Step, BatchResult][] = [];
    for (const [index, step] of chunk.entries()) {
      const result = results[index];
      const creates = step.action === 'create' || step.action === 'createGroup';
      if (result.outcome === 'ok') {
        const intuneId = creates ? (result.body as { id?: string } | undefined)?.id : undefined;
        if (creates && intuneId) ids.set(step.key, intuneId);
        lines.push({ t: 'done', run, step: step.id, key: step.key, ...(intuneId ? { intuneId } : {}), at: now() });
        settled.push({ step, status: 'done', intuneId });
      } else if (needsLook(step, result)) {
        unsure.push([step, result]);
      } else {
        const message = `${result.status ? `HTTP ${result.status}` : 'no response'}${result.code ? ` ${result.code}` : ''}: ${result.message ?? 'failed'}${result.requestId ? ` (request-id ${result.requestId})` : ''}`;
        lines.push({ t: 'failed', run, step: step.id, key: step.key, status: result.status, message, at: now() });
        settled.push({ step, status: 'failed', message });
      }
    }
    journal.append(...lines);
    for (const outcome of settled) settle(outcome);
    for (const [step, result] of unsure) await lookUp(step, result, sentAt);
  }

  /**
   * Adding members is not repeatable (Graph answers 400 "already exist"), so an addition retried
   * after a lost answer, or whose outcome is unknown, is settled by looking at the group; so is a
   * create whose outcome is unknown.
   */
  function needsLook(step: Step, result: BatchResult): boolean {
    const creates = step.action === 'create' || step.action === 'createGroup';
    const members = step.action === 'addMembers';
    const repeatedMembers = members && result.status === 400 && /already exist/i.test(result.message ?? '');
    return (result.outcome === 'unknown' && (creates || members)) || repeatedMembers;
  }

  async function lookUp(step: Step, result: BatchResult, sentAt: number) {
    const creates = step.action === 'create' || step.action === 'createGroup';
    const members = step.action === 'addMembers';
    const found = await options.reconcile(
      { ...step, request: { ...step.request, path: fillIds(step.request.path, ids) as string, body: fillIds(step.request.body, ids) } },
      sentAt,
    );
    journal.append({ t: 'reconciled', run, step: step.id, key: step.key, intuneId: found, at: now() });
    if (found) {
      if (creates) ids.set(step.key, found);
      settle({
        step,
        status: 'reconciled',
        intuneId: found,
        message: members
          ? 'an earlier attempt had added them; all are in the group'
          : 'the connection dropped after the write; found by its marker',
      });
    } else {
      settle({
        step,
        status: 'failed',
        message: members
          ? `${result.message ?? 'the connection dropped'}; not all of these members are in the group: run again to add the missing ones`
          : 'the connection dropped and the object is not in Intune; run again to retry',
      });
    }
  }
}
