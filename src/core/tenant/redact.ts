// One redaction for every log line and error message of the tenant layer: bearer tokens,
// Authorization headers, client secrets and assertions, JWTs, refresh/access tokens, PEM
// private keys and SAS signatures never leave this layer in clear text.

const MASK = '[redacted]';

/** Exact secret values known at run time (a client secret from the environment, ...). */
const knownSecrets = new Set<string>();

/** Remember a secret value so that `redact` masks it wherever it appears. */
export function registerSecret(value: string | undefined): void {
  // Very short values would mask ordinary words; real secrets are long.
  if (value && value.length >= 8) knownSecrets.add(value);
}

const PATTERNS: [RegExp, string][] = [
  // PEM private keys (any kind), also when newlines were escaped into JSON.
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  ],
  // Authorization header in any rendering: "Authorization: x", "authorization":"x", Authorization=x
  [/(\bauthorization\b["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+|pop\s+)?[^\s"',;}]+/gi, `$1${MASK}`],
  [/\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${MASK}`],
  // JWTs (access, id and client-assertion tokens), wherever they appear.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, MASK],
  // OAuth form fields and JSON properties carrying secrets.
  [
    /\b(client_secret|client_assertion|access_token|refresh_token|id_token|assertion|password|code_verifier|device_code|clientSecret|privateKey|accessToken|refreshToken|idToken|secret)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    `$1$2${MASK}`,
  ],
  // Azure storage SAS signature (LOB upload URLs).
  [/([?&]sig=)[^&\s"']+/gi, `$1${MASK}`],
];

export function redact(text: string): string {
  let out = String(text);
  for (const secret of knownSecrets) out = out.split(secret).join(MASK);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A safe one-line description of anything thrown: name, message and (recursively) cause, all
 * redacted. Never includes headers, request options or stacks, which third-party errors may
 * carry with tokens in them.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (current instanceof Error || (typeof current === 'object' && 'message' in (current as object))) {
      const e = current as { name?: string; message?: unknown; code?: unknown; errorCode?: unknown; cause?: unknown };
      const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : '';
      const head = [e.name && e.name !== 'Error' ? e.name : '', code].filter(Boolean).join(' ');
      parts.push(`${head ? `${head}: ` : ''}${String(e.message ?? '')}`);
      current = e.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return redact(parts.join(' <- ').replace(/\s+/g, ' ').trim());
}
