// The sandbox tenant accepts any bearer; a fixed dummy one keeps the request path identical to
// the real one (the Authorization header is still attached, still redacted in logs).
import type { TokenSource } from './token-source';

export const SANDBOX_TOKEN = 'sandbox-token-not-a-secret';

export function createSandboxTokenSource(tenantId = 'sandbox'): TokenSource {
  return {
    getToken: async (_scopes, signal) => {
      signal?.throwIfAborted();
      return SANDBOX_TOKEN;
    },
    describe: () => `sandbox tenant ${tenantId}`,
  };
}
