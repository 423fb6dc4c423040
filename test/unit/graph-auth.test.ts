import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { assertOutsidePlanFolder, defaultCachePath, fileCachePlugin } from '../../src/core/tenant/auth/cache-file';
import { certificateFromPem, createClientCredentialsTokenSource, tokenSourceFromEnv } from '../../src/core/tenant/auth/msal';
import { createSandboxTokenSource, SANDBOX_TOKEN } from '../../src/core/tenant/auth/sandbox';

const TENANT = '0f0e0d0c-0b0a-4909-8807-060504030201';

test('token cache lives in the user config dir, never in the plan folder', () => {
  assert.equal(defaultCachePath({ XDG_CONFIG_HOME: '/home/zoë/.cfg' }, 'linux', '/home/zoë'), '/home/zoë/.cfg/cm2intune/msal-cache.json');
  assert.equal(defaultCachePath({}, 'linux', '/home/ann'), '/home/ann/.config/cm2intune/msal-cache.json');
  assert.match(
    defaultCachePath({ APPDATA: 'C:\\Users\\Ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\Ann'),
    /Roaming.cm2intune.msal-cache\.json$/,
  );
  assert.equal(defaultCachePath({ CM2INTUNE_TOKEN_CACHE: '/secure/cache.json' }, 'linux', '/h'), '/secure/cache.json');
  assert.throws(
    () => assertOutsidePlanFolder('/work/plans/contoso/.cache/msal.json', '/work/plans/contoso'),
    /inside the plan folder.*CM2INTUNE_TOKEN_CACHE/,
  );
  assert.doesNotThrow(() => assertOutsidePlanFolder('/home/ann/.config/cm2intune/msal-cache.json', '/work/plans/contoso'));
  assert.doesNotThrow(() => assertOutsidePlanFolder('/work/plans/contoso-other/x.json', '/work/plans/contoso'));
});

test('the cache plugin writes only on change, with mode 0600, and reads it back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune cache '));
  try {
    const path = join(dir, 'sub dir', 'msal-cache.json');
    const plugin = fileCachePlugin(path);
    let stored = '';
    const context = (changed: boolean) =>
      ({
        cacheHasChanged: changed,
        tokenCache: { serialize: () => '{"Account":{"k":"Zoë"}}', deserialize: (s: string) => void (stored = s) },
      }) as never;
    await plugin.beforeCacheAccess(context(false));
    assert.equal(stored, '', 'no file yet: nothing to load');
    await plugin.afterCacheAccess(context(false));
    assert.throws(() => statSync(path), /ENOENT/);
    await plugin.afterCacheAccess(context(true));
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    await plugin.beforeCacheAccess(context(false));
    assert.equal(stored, '{"Account":{"k":"Zoë"}}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('certificate PEM: private key extracted, SHA-256 thumbprint computed from the certificate', async () => {
  const pems = await generate([{ name: 'commonName', value: 'cm2intune waves' }], { keySize: 2048 });
  const fromCert = certificateFromPem(`${pems.cert}\n${pems.private}`);
  assert.equal(fromCert.thumbprintSha256, new X509Certificate(pems.cert).fingerprint256.replace(/:/g, ''));
  assert.match(fromCert.privateKey, /^-----BEGIN (RSA )?PRIVATE KEY-----/);
  assert.deepEqual(Object.keys(certificateFromPem(pems.private, 'ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01')), [
    'privateKey',
    'thumbprint',
  ]);
  assert.throws(() => certificateFromPem(pems.private), /CM2INTUNE_CLIENT_CERT_THUMBPRINT/);
  assert.throws(() => certificateFromPem(pems.cert), /no PEM private key/);
});

test('environment picks the flow: certificate, then secret, then device code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune env '));
  try {
    const pems = await generate([{ name: 'commonName', value: 'x' }], { keySize: 2048 });
    const certPath = join(dir, 'app cert.pem');
    writeFileSync(certPath, `${pems.cert}${pems.private}`);
    const settings = { tenantId: TENANT, clientId: 'c1', cachePath: join(dir, 'cache.json'), onDeviceCode: () => {} };
    assert.match(
      tokenSourceFromEnv(settings, { CM2INTUNE_CLIENT_CERT_PATH: certPath, CM2INTUNE_CLIENT_SECRET: 'ignored-secret' }).describe(),
      /client certificate/,
    );
    assert.match(tokenSourceFromEnv(settings, { CM2INTUNE_CLIENT_SECRET: 'Zx8Q~abcdefghijkl' }).describe(), /client secret/);
    assert.match(tokenSourceFromEnv(settings, {}).describe(), /^device code sign-in to tenant/);
    assert.throws(
      () => tokenSourceFromEnv(settings, { CM2INTUNE_CLIENT_CERT_PATH: join(dir, 'missing.pem') }),
      /Cannot read CM2INTUNE_CLIENT_CERT_PATH .*missing\.pem: ENOENT/,
    );
    assert.equal(readFileSync(certPath, 'utf8').length > 0, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an MSAL failure that echoes the request body (with the secret) reaches the caller redacted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm2intune msal '));
  const secret = 'Zx8Q~very-secret-client-value';
  try {
    const source = createClientCredentialsTokenSource({
      tenantId: TENANT,
      clientId: 'c1',
      cloud: 'usgov',
      secret,
      cachePath: join(dir, 'cache.json'),
      networkClient: {
        sendGetRequestAsync: async () => {
          throw new Error('unexpected GET');
        },
        sendPostRequestAsync: async (url: string, options?: { body?: string }) => ({
          headers: {},
          status: 401,
          body: {
            error: 'invalid_client',
            error_description: `AADSTS7000215: Invalid client secret provided to ${url}. Request was ${options?.body}`,
          } as never,
        }),
      },
    });
    const error: Error = await source.getToken(['User.Read.All']).catch((e) => e);
    assert.match(error.message, /^Sign-in \(client secret\) failed: .*AADSTS7000215/);
    assert.match(error.message, /login\.microsoftonline\.us/, 'authority of the US Gov cloud');
    assert.ok(!error.message.includes(secret) && !error.message.includes('very-secret'), error.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sandbox token source: fixed dummy bearer, honours cancellation', async () => {
  const source = createSandboxTokenSource('contoso-sandbox');
  assert.equal(await source.getToken(['anything']), SANDBOX_TOKEN);
  assert.equal(source.describe(), 'sandbox tenant contoso-sandbox');
  await assert.rejects(source.getToken([], AbortSignal.abort()), { name: 'AbortError' });
});
