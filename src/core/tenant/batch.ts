// JSON $batch on top of the port's single HTTP exchange. Graph throttles every inner request on
// its own and the SDK never retries them, so this module: packs requests into chunks of at most
// 20 of one Graph service (never splitting a dependsOn chain), so a chunk waits only for the
// windows of the service it touches, takes one pacer slot per inner request, correlates
// responses by id, and retries only the throttled ones (and the dependents that failed with 424
// because of them) after the longest Retry-After of the round. A write whose fate is unknown is
// reported as such, never resent.
import { GraphClientError } from '@microsoft/microsoft-graph-client';
import { apiVersionFor, type ApiVersion } from './api-versions';
import { graphError, isAbortError, parseRetryAfter } from './errors';
import type { BatchRequest, BatchResult } from './graph-port';
import { requestCost, serviceOf, type GraphService, type PacerWait, type Permit } from './pacer';
import { describeError } from './redact';
import type { PortInternals, RawResponse } from './transport';
import { batchProblem, createdProblem } from './shape';

export const MAX_BATCH = 20;

interface Member {
  req: BatchRequest;
  version: ApiVersion;
  idempotent: boolean;
  write: boolean;
  service: GraphService;
  /** Its cost in its service's request window. */
  units: number;
}

interface InnerResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

// Inner responses report no code/message as undefined rather than ''.
function errorOf(body: unknown): { code?: string; message?: string; requestId?: string } {
  const e = graphError(body);
  return { code: e.code || undefined, message: e.message || undefined, requestId: e.requestId };
}

/** Validates ids and dependencies; returns connected components, prerequisites first. */
function components(requests: BatchRequest[], members: Map<string, Member>, chunkMax: (ids: string[]) => number): string[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let p = parent.get(id)!;
    while (p !== parent.get(p)) p = parent.get(p)!;
    parent.set(id, p);
    return p;
  };
  for (const r of requests) parent.set(r.id, r.id);
  for (const r of requests)
    for (const dep of r.dependsOn ?? []) {
      if (!members.has(dep)) throw new Error(`$batch request "${r.id}" depends on "${dep}", which is not in the same batch call.`);
      if (members.get(dep)!.version !== members.get(r.id)!.version)
        throw new Error(
          `$batch request "${r.id}" (${members.get(r.id)!.version}) depends on "${dep}" (${members.get(dep)!.version}); a dependency chain must use one API version.`,
        );
      parent.set(find(r.id), find(dep));
    }
  // Topological order (prerequisites first), detecting cycles.
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`$batch requests depend on each other in a cycle: ${[...trail, id].join(' -> ')}.`);
    state.set(id, 'visiting');
    for (const dep of members.get(id)!.req.dependsOn ?? []) visit(dep, [...trail, id]);
    state.set(id, 'done');
    ordered.push(id);
  };
  for (const r of requests) visit(r.id, []);
  const groups = new Map<string, string[]>();
  for (const id of ordered) {
    const root = find(id);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root)!.push(id);
  }
  for (const group of groups.values())
    if (group.length > chunkMax(group))
      throw new Error(
        `$batch requests ${group.slice(0, 3).join(', ')}… form a dependency chain of ${group.length}; at most ${chunkMax(group)} fit in one batch. Split the chain.`,
      );
  return [...groups.values()];
}

/** The services a set of requests touches, in a fixed order (a chain may span two). */
function servicesOf(ids: string[], members: Map<string, Member>): GraphService[] {
  return [...new Set(ids.map((id) => members.get(id)!.service))].sort();
}

/**
 * First-fit packing of whole components into chunks of one version and one service, so a chunk
 * of Intune writes never waits for the directory's windows, nor the other way round.
 */
function pack(
  groups: string[][],
  members: Map<string, Member>,
  chunkMax: (ids: string[]) => number,
): { version: ApiVersion; services: string; ids: string[] }[] {
  const chunks: { version: ApiVersion; services: string; ids: string[] }[] = [];
  for (const group of groups) {
    const version = members.get(group[0])!.version;
    const services = servicesOf(group, members).join(',');
    const chunk = chunks.find(
      (c) => c.version === version && c.services === services && c.ids.length + group.length <= chunkMax([...c.ids, ...group]),
    );
    if (chunk) chunk.ids.push(...group);
    else chunks.push({ version, services, ids: [...group] });
  }
  return chunks;
}

export async function runBatch(
  port: PortInternals,
  requests: BatchRequest[],
  signal?: AbortSignal,
  onWait?: (wait: PacerWait) => void,
): Promise<BatchResult[]> {
  const members = new Map<string, Member>();
  for (const req of requests) {
    if (!req.id) throw new Error('Every $batch request needs an id.');
    if (members.has(req.id)) throw new Error(`$batch request id "${req.id}" is used twice.`);
    const odataType = req.odataType ?? ((req.body as Record<string, unknown> | undefined)?.['@odata.type'] as string | undefined);
    const version = req.version ?? apiVersionFor(req.path, typeof odataType === 'string' ? odataType : undefined);
    members.set(req.id, {
      req,
      version,
      idempotent: req.method !== 'POST' || Boolean(req.idempotent),
      write: req.method !== 'GET',
      service: serviceOf(req.path),
      units: requestCost(req.method, req.path),
    });
  }
  const chunkMax = (ids: string[]) => Math.min(MAX_BATCH, ...servicesOf(ids, members).map((s) => port.pacer.maxAtOnce(s)));
  const groups = components(requests, members, chunkMax);
  const final = new Map<string, BatchResult>();
  const settle = (result: BatchResult) => final.set(result.id, result);
  const describe = (id: string) => `$batch ${id}: ${members.get(id)!.req.method} ${members.get(id)!.req.path}`;

  let throttledSince: number | undefined;
  let timeouts = 0;
  for (let round = 0; ; round++) {
    // A request whose prerequisite ended badly cannot run any more.
    for (const [id, m] of members)
      if (!final.has(id)) {
        const bad = (m.req.dependsOn ?? []).find((d) => final.has(d) && final.get(d)!.outcome !== 'ok');
        if (bad)
          settle({
            id,
            status: 424,
            outcome: 'failed',
            code: 'FailedDependency',
            message: `prerequisite "${bad}" did not succeed (${final.get(bad)!.outcome}, HTTP ${final.get(bad)!.status})`,
          });
      }
    const pending = groups.map((g) => g.filter((id) => !final.has(id))).filter((g) => g.length > 0);
    if (pending.length === 0) break;
    if (signal?.aborted) {
      for (const g of pending)
        for (const id of g) settle({ id, status: 0, outcome: 'failed', code: 'Cancelled', message: 'not sent: cancelled' });
      break;
    }

    /** Retry candidates of this round with the status that made them so and its Retry-After. */
    const retry = new Map<
      string,
      { status: number; waitMs?: number; write: boolean; code?: string; message?: string; requestId?: string }
    >();
    const lost = (ids: string[], reason: string, status = 0) => {
      for (const id of ids) {
        const m = members.get(id)!;
        if (m.idempotent) retry.set(id, { status, write: m.write, code: 'NetworkError', message: reason });
        else settle({ id, status, outcome: 'unknown', code: 'OutcomeUnknown', message: `${reason}; it may or may not have been applied` });
      }
    };

    // One lane per service, chunk after chunk as before; the lanes run side by side, so a chunk
    // waiting for the directory's window never holds back one of Intune's (or the other way round).
    const runChunk = async (chunk: { version: ApiVersion; ids: string[] }): Promise<void> => {
      if (signal?.aborted) return;
      let permit: Permit;
      try {
        permit = await acquireChunk(port, chunk.ids, members, signal, onWait);
      } catch (error) {
        if (isAbortError(error) || signal?.aborted) return;
        throw error;
      }
      const wire = chunk.ids.map((id) => {
        const { req } = members.get(id)!;
        const headers = { ...req.headers };
        if (req.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
          headers['Content-Type'] = 'application/json';
        const dependsOn = (req.dependsOn ?? []).filter((d) => chunk.ids.includes(d) && !final.has(d));
        return {
          id,
          method: req.method,
          url: req.path.startsWith('/') ? req.path : `/${req.path}`,
          headers,
          ...(req.body !== undefined ? { body: req.body } : {}),
          ...(dependsOn.length ? { dependsOn } : {}),
        };
      });
      let outer: RawResponse;
      try {
        outer = await port.sendOnce({
          method: 'POST',
          version: chunk.version,
          path: '/$batch',
          body: { requests: wire },
          idempotent: false,
          signal,
        });
      } catch (error) {
        permit.done();
        const t =
          error instanceof GraphClientError
            ? (error.customError as {
                transport?: boolean;
                notSent?: boolean;
                aborted?: boolean;
                timedOut?: boolean;
                auth?: boolean;
                cause?: unknown;
              })
            : undefined;
        if (!t?.transport) throw error;
        const reason = describeError(t.cause);
        if (t.auth && !t.aborted) {
          for (const id of chunk.ids)
            settle({ id, status: 0, outcome: 'failed', code: 'SignInFailed', message: `sign-in failed: ${reason}` });
        } else if (t.aborted) {
          for (const id of chunk.ids)
            settle(
              members.get(id)!.idempotent || t.notSent
                ? { id, status: 0, outcome: 'failed', code: 'Cancelled', message: 'cancelled' }
                : { id, status: 0, outcome: 'unknown', code: 'OutcomeUnknown', message: 'cancelled while the batch was on the wire' },
            );
        } else if (t.timedOut && ++timeouts >= 2) {
          // As for single requests: a held answer costs the whole timeout, so one more try, not six.
          for (const id of chunk.ids)
            settle(
              members.get(id)!.idempotent
                ? {
                    id,
                    status: 0,
                    outcome: 'failed',
                    code: 'Timeout',
                    message: `${reason}, twice (graph.requestTimeoutSeconds in the plan)`,
                  }
                : { id, status: 0, outcome: 'unknown', code: 'OutcomeUnknown', message: `${reason}; it may or may not have been applied` },
            );
        } else if (t.notSent) {
          for (const id of chunk.ids) retry.set(id, { status: 0, write: members.get(id)!.write, code: 'NetworkError', message: reason });
        } else {
          const what = t.timedOut ? reason : `connection lost: ${reason}`;
          port.log('warn', `$batch (${chunk.ids.length} requests): ${what}.`);
          lost(chunk.ids, what);
        }
        return;
      }
      permit.done();
      const rid = outer.requestId ? ` request-id ${outer.requestId}` : '';
      if (outer.status === 429 || outer.status === 503) {
        const waitMs = parseRetryAfter(outer.headers.get('retry-after'), port.clock.now());
        port.log('warn', `$batch (${chunk.ids.length} requests): HTTP ${outer.status}${rid}.`);
        for (const id of chunk.ids) retry.set(id, { status: outer.status, waitMs, write: members.get(id)!.write });
        return;
      }
      if (outer.status === 504) {
        port.log('warn', `$batch (${chunk.ids.length} requests): HTTP 504${rid}.`);
        lost(chunk.ids, `HTTP 504 on the batch${rid}`, 504);
        return;
      }
      if (outer.status < 200 || outer.status >= 300) {
        const e = errorOf(outer.body);
        port.log('error', `$batch (${chunk.ids.length} requests): HTTP ${outer.status} ${e.code ?? ''}${rid}: ${e.message ?? ''}`);
        for (const id of chunk.ids)
          settle({
            id,
            status: outer.status,
            outcome: 'failed',
            code: e.code ?? 'BatchFailed',
            message: e.message,
            requestId: outer.requestId,
          });
        return;
      }

      // A 2xx that is not a $batch answer says nothing about the requests in it: writes may have
      // happened (unknown), reads failed. Not retried: a broken answer is not throttling.
      const shape = batchProblem({ status: outer.status, contentType: outer.headers.get('content-type'), body: outer.body });
      if (shape) {
        port.log('error', `$batch (${chunk.ids.length} requests): HTTP ${outer.status}${rid}: ${shape}.`);
        const message = `the $batch answer (HTTP ${outer.status}${rid}) is not what Graph sends: ${shape}`;
        for (const id of chunk.ids)
          settle(
            members.get(id)!.idempotent
              ? { id, status: outer.status, outcome: 'failed', code: 'MalformedResponse', message, requestId: outer.requestId }
              : {
                  id,
                  status: outer.status,
                  outcome: 'unknown',
                  code: 'OutcomeUnknown',
                  message: `${message}; it may or may not have been applied`,
                  requestId: outer.requestId,
                },
          );
        return;
      }
      const responses = new Map<string, InnerResponse>();
      for (const r of (outer.body as { responses: InnerResponse[] }).responses)
        if (chunk.ids.includes(String(r.id))) responses.set(String(r.id), r);
      const dependents424: string[] = [];
      for (const id of chunk.ids) {
        const m = members.get(id)!;
        const r = responses.get(id);
        if (!r) {
          lost([id], 'no response for it in the batch response');
          continue;
        }
        const e = errorOf(r.body);
        const requestId = header(r.headers, 'request-id') ?? e.requestId;
        const tag = `${describe(id)} -> HTTP ${r.status}${e.code ? ` ${e.code}` : ''}${requestId ? ` request-id ${requestId}` : ''}`;
        // 201 is a create's answer: without a string id nobody knows what was created.
        const created =
          r.status === 201 ? createdProblem({ status: 201, contentType: header(r.headers, 'content-type'), body: r.body }) : undefined;
        if (created) {
          port.log('warn', `${tag}: ${created}`);
          settle(
            m.idempotent
              ? {
                  id,
                  status: 201,
                  outcome: 'failed',
                  code: 'MalformedResponse',
                  message: `the answer is not a created object: ${created}`,
                  requestId,
                }
              : {
                  id,
                  status: 201,
                  outcome: 'unknown',
                  code: 'OutcomeUnknown',
                  message: `the answer is not a created object: ${created}; it may or may not have been applied`,
                  requestId,
                },
          );
        } else if (r.status >= 200 && r.status < 300) settle({ id, status: r.status, outcome: 'ok', body: r.body, requestId });
        else if (r.status === 429 || r.status === 503) {
          port.log('warn', tag);
          retry.set(id, {
            status: r.status,
            waitMs: parseRetryAfter(header(r.headers, 'retry-after'), port.clock.now()),
            write: m.write,
            code: e.code,
            message: e.message,
            requestId,
          });
        } else if (r.status === 504) {
          port.log('warn', tag);
          if (m.idempotent) retry.set(id, { status: 504, write: m.write, code: e.code, message: e.message, requestId });
          else
            settle({
              id,
              status: 504,
              outcome: 'unknown',
              code: 'OutcomeUnknown',
              message: 'HTTP 504 gateway timeout; it may or may not have been applied',
              requestId,
            });
        } else if (r.status === 424) dependents424.push(id);
        else {
          port.log('warn', `${tag}: ${e.message ?? ''}`);
          settle({ id, status: r.status, outcome: 'failed', code: e.code, message: e.message, requestId });
        }
      }
      // A 424 is retried with its chain when the chain's root was throttled; otherwise it is final.
      const rootOf = (id: string, seen = new Set<string>()): string | undefined => {
        for (const dep of members.get(id)!.req.dependsOn ?? []) {
          if (seen.has(dep)) continue;
          seen.add(dep);
          if (retry.has(dep)) return dep;
          const deeper = dependents424.includes(dep) ? rootOf(dep, seen) : undefined;
          if (deeper) return deeper;
        }
        return undefined;
      };
      for (const id of dependents424) {
        const root = rootOf(id);
        if (root)
          retry.set(id, {
            status: 424,
            write: members.get(id)!.write,
            code: 'FailedDependency',
            message: `prerequisite "${root}" was throttled`,
          });
        else {
          const failedDep = (members.get(id)!.req.dependsOn ?? []).find((d) => final.get(d)?.outcome !== 'ok') ?? '';
          const why = final.get(failedDep);
          settle({
            id,
            status: 424,
            outcome: 'failed',
            code: 'FailedDependency',
            message: `prerequisite "${failedDep}" failed${why ? ` (HTTP ${why.status}${why.code ? ` ${why.code}` : ''})` : ''}`,
          });
        }
      }
    };
    const lanes = new Map<string, { version: ApiVersion; ids: string[] }[]>();
    for (const chunk of pack(pending, members, chunkMax)) lanes.set(chunk.services, [...(lanes.get(chunk.services) ?? []), chunk]);
    const ran = await Promise.allSettled(
      [...lanes.values()].map(async (lane) => {
        for (const chunk of lane) await runChunk(chunk);
      }),
    );
    const crashed = ran.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (crashed) throw crashed.reason;

    if (retry.size === 0) continue;
    const waits = [...retry.values()].map((r) => r.waitMs).filter((w): w is number => w !== undefined);
    const waitMs = Math.min(port.retry.maxDelayMs, waits.length ? Math.max(...waits) : port.backoffMs(round));
    // Throttling alone is waited out by time (maxThrottledMs); other failures by a count of rounds.
    const onlyThrottled = [...retry.values()].every((r) => r.status === 429 || (r.status === 424 && r.code === 'FailedDependency'));
    if (onlyThrottled) throttledSince ??= port.clock.now();
    const exhausted = onlyThrottled
      ? port.clock.now() - throttledSince! + waitMs > port.retry.maxThrottledMs
      : round >= port.retry.maxRetries;
    if (exhausted || signal?.aborted) {
      for (const [id, r] of retry)
        settle({
          id,
          status: r.status,
          outcome: 'failed',
          code: r.code ?? (r.status === 429 ? 'TooManyRequests' : 'NetworkError'),
          message: signal?.aborted ? 'cancelled before retry' : `gave up after ${round + 1} attempts${r.message ? `: ${r.message}` : ''}`,
          requestId: r.requestId,
        });
      continue;
    }
    // Throttled classes restart slowly after the wait, so the whole port eases off, not just this
    // batch; only the services that said 429 do.
    const throttled = [...retry].filter(([, r]) => r.status === 429).map(([id, r]) => ({ ...r, service: members.get(id)!.service }));
    for (const service of new Set(throttled.map((r) => r.service))) {
      if (throttled.some((r) => r.service === service && r.write)) port.pacer.throttled('write', waitMs, service);
      if (throttled.some((r) => r.service === service && !r.write)) port.pacer.throttled('read', waitMs, service);
    }
    // The services that asked to wait, said once each (the pacer's own waits are told by it).
    if (onWait) {
      const asked = new Map<string, PacerWait>();
      for (const [id, r] of retry)
        if (r.status === 429 || r.status === 503) {
          const { service, write } = members.get(id)!;
          asked.set(service, { service, kind: write ? 'write' : 'read', ms: waitMs, status: r.status });
        }
      for (const wait of asked.values()) onWait(wait);
    }
    port.log(
      'info',
      `$batch: retrying ${retry.size} request(s) in ${(waitMs / 1000).toFixed(1)} s (round ${round + 1}/${port.retry.maxRetries}).`,
    );
    try {
      await port.clock.sleep(waitMs, signal);
    } catch (error) {
      if (!isAbortError(error) && !signal?.aborted) throw error;
    }
  }
  return requests.map((r) => final.get(r.id)!);
}

/** Slots for one chunk in the windows of each service it touches (one, unless a chain spans two). */
async function acquireChunk(
  port: PortInternals,
  ids: string[],
  members: Map<string, Member>,
  signal?: AbortSignal,
  onWait?: (wait: PacerWait) => void,
): Promise<Permit> {
  const permits: Permit[] = [];
  try {
    for (const service of servicesOf(ids, members)) {
      const mine = ids.map((id) => members.get(id)!).filter((m) => m.service === service);
      const writes = mine.filter((m) => m.write).length;
      const units = mine.reduce((n, m) => n + m.units, 0);
      permits.push(await port.pacer.acquire({ writes, reads: mine.length - writes, units }, signal, service, onWait));
    }
  } catch (error) {
    for (const p of permits) p.unused();
    throw error;
  }
  return { done: () => permits.forEach((p) => p.done()), unused: () => permits.forEach((p) => p.unused()) };
}
