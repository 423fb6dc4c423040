// The extension's token source: VS Code's built-in Microsoft auth provider with the customer's
// own app registration (VSCODE_CLIENT_ID / VSCODE_TENANT pseudo-scopes). VS Code stores and
// refreshes the tokens; the account shows in the Accounts menu. Sovereign clouds go through the
// `microsoft-sovereign-cloud` provider, whose environment is a user setting we check, not change.
import * as vscode from 'vscode';
import type { Cloud } from '../core/plan/types';
import { UserError } from '../core/errors';
import { cloudEndpoints } from '../core/tenant/clouds';
import { describeError } from '../core/tenant/redact';
import { qualifyScopes } from '../core/tenant/scopes';
import type { TokenSource } from '../core/tenant/auth/token-source';

export interface VsCodeAuthSettings {
  clientId: string;
  tenantId: string;
  cloud: Cloud;
}

function checkSovereignEnvironment(cloud: Cloud): void {
  const wanted = cloudEndpoints(cloud).vscodeEnvironment;
  if (!wanted) return;
  const actual = vscode.workspace.getConfiguration('microsoft-sovereign-cloud').get<string>('environment');
  if (actual !== wanted)
    throw new UserError(
      `The plan's tenant is in the ${cloudEndpoints(cloud).label} cloud: set "microsoft-sovereign-cloud.environment" to "${wanted}" in your settings` +
        (wanted === 'custom' ? ' and describe the DoD endpoints in "microsoft-sovereign-cloud.customEnvironment"' : '') +
        ` (it is ${actual ? `"${actual}"` : 'not set'}), then try again.`,
    );
}

export function createVsCodeTokenSource(settings: VsCodeAuthSettings): TokenSource {
  const provider = cloudEndpoints(settings.cloud).vscodeProvider;
  let account: string | undefined;
  return {
    describe: () => `VS Code account${account ? ` ${account}` : ''} (${provider}) in tenant ${settings.tenantId}`,
    async getToken(scopes, signal) {
      signal?.throwIfAborted();
      checkSovereignEnvironment(settings.cloud);
      const request = [
        `VSCODE_CLIENT_ID:${settings.clientId}`,
        `VSCODE_TENANT:${settings.tenantId}`,
        ...qualifyScopes(scopes, settings.cloud),
      ];
      const session = vscode.authentication.getSession(provider, request, { createIfNone: true });
      const aborted = new Promise<never>((_, reject) => {
        signal?.addEventListener(
          'abort',
          () =>
            reject(signal.reason instanceof Error ? signal.reason : Object.assign(new Error('Sign-in cancelled.'), { name: 'AbortError' })),
          { once: true },
        );
      });
      try {
        const result = await Promise.race([session, aborted]);
        account = result.account.label;
        return result.accessToken;
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new UserError(
          `Sign-in through VS Code (${provider}) failed: ${describeError(error)}. Check that app ${settings.clientId} has the redirect URIs from docs/sign-in.md.`,
        );
      }
    },
  };
}
