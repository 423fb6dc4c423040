import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, redact, registerSecret } from '../../src/core/tenant/redact';

const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.Zm9vYmFyYmF6';

test('tokens, Authorization headers, secrets, assertions, PEM keys and SAS signatures are masked', () => {
  const cases: [string, string][] = [
    [`GET /v1.0/groups Authorization: Bearer ${JWT}`, 'Authorization: [redacted]'],
    [`{"headers":{"authorization":"Bearer opaque.token-value_123"}}`, '"authorization":"[redacted]"'],
    [`fetch failed Bearer abc.def/ghi+jkl==`, 'Bearer [redacted]'],
    [`client_id=123&client_secret=Zx8Q~abcdefghijklmnop&grant_type=client_credentials`, 'client_secret=[redacted]'],
    [`client_assertion_type=jwt-bearer&client_assertion=${JWT}`, 'client_assertion=[redacted]'],
    [`{"access_token":"${JWT}","refresh_token":"0.AVYA-refresh-token"}`, '"refresh_token":"[redacted]"'],
    [`upload to https://acct.blob.core.windows.net/c/f?sv=2019&sr=b&sig=AbC%2Fdef%3D&se=2030`, 'sig=[redacted]&se=2030'],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY-----[redacted]-----END PRIVATE KEY-----',
    ],
  ];
  for (const [input, expected] of cases) {
    const out = redact(input);
    assert.ok(out.includes(expected), `${out} should contain ${expected}`);
    assert.ok(!out.includes(JWT) && !/Zx8Q~|opaque\.token|AbC%2F|MIIEow|0\.AVYA/.test(out), out);
  }
  assert.equal(
    redact("Group 'Sales – Zürich' not found (request-id 1f2e)"),
    "Group 'Sales – Zürich' not found (request-id 1f2e)",
    'ordinary text untouched',
  );
});

test('registered secret values are masked wherever they appear', () => {
  registerSecret('s3cr3t-value-from-env');
  assert.equal(redact('AADSTS: bad value s3cr3t-value-from-env given'), 'AADSTS: bad value [redacted] given');
});

test('describeError follows causes, drops headers/options objects and redacts', () => {
  // What msal/graph-client errors look like: a message that may echo the request, extra fields with headers.
  const inner = Object.assign(new Error(`socket hang up; request had Authorization: Bearer ${JWT}`), { code: 'ECONNRESET' });
  const outer = Object.assign(new TypeError('fetch failed', { cause: inner }), {
    headers: { Authorization: `Bearer ${JWT}` },
    options: { body: 'client_secret=abc12345678' },
  });
  const text = describeError(outer);
  assert.match(text, /TypeError: fetch failed <- ECONNRESET: socket hang up/);
  assert.ok(!text.includes(JWT) && !text.includes('abc12345678'), text);
  const msalLike = { name: 'ServerError', errorCode: 'invalid_client', message: `AADSTS7000215 Trace ID: 1. client_secret=Q~zz99abcdefgh` };
  assert.equal(describeError(msalLike), 'ServerError invalid_client: AADSTS7000215 Trace ID: 1. client_secret=[redacted]');
});
