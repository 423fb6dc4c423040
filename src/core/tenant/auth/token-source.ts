// The port behind which every sign-in sits: MSAL (CLI), VS Code's auth provider (extension), a
// fixed bearer (sandbox). The Graph port asks it for a token before every request; sources
// cache and refresh on their own.

export interface TokenSource {
  /** An access token for these scopes. Rejects with a redacted, actionable error. */
  getToken(scopes: string[], signal?: AbortSignal): Promise<string>;
  /** Who/what signs in, for logs and the tenant check ("device code as alice@contoso.com"). Never secret. */
  describe(): string;
}
