// The tenant side: Graph port, clouds, scopes, sign-in ports.
export type { GraphPort, BatchRequest, BatchResult, RequestOptions, PostOptions, Method, Log, LogLevel } from './graph-port';
export { createGraphPort, type GraphPortOptions } from './graph-client';
export type { RetryOptions } from './transport';
export { apiVersionFor, API_VERSION_RULES, type ApiVersion } from './api-versions';
export { GraphRequestError, GraphOutcomeUnknownError } from './errors';
export {
  Pacer,
  SlidingWindow,
  systemClock,
  INTUNE_WRITES,
  INTUNE_READS,
  serviceOf,
  requestCost,
  type GraphService,
  type Clock,
  type Permit,
  type RateLimit,
  type PacingOptions,
} from './pacer';
export { CLOUDS, cloudEndpoints, authorityFor } from './clouds';
export { scopesFor, allScopes, qualifyScopes, defaultScopes, PHASE_SCOPES, type Phase, type ScopeUse } from './scopes';
export { redact, registerSecret, describeError } from './redact';
export type { TokenSource } from './auth/token-source';
export { createSandboxTokenSource } from './auth/sandbox';
