// CLI sign-in with @azure/msal-node: device code (a person at a terminal) or client credentials
// (unattended waves: certificate preferred, secret accepted). Authority per cloud; the cache lives
// in the user's config directory. Every error leaving here is redacted.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type Configuration,
  type DeviceCodeRequest,
  type INetworkModule,
} from '@azure/msal-node';
import type { Cloud } from '../../plan/types';
import { authorityFor } from '../clouds';
import { describeError, redact, registerSecret } from '../redact';
import { defaultScopes, qualifyScopes } from '../scopes';
import { assertOutsidePlanFolder, defaultCachePath, fileCachePlugin } from './cache-file';
import type { TokenSource } from './token-source';

export interface MsalSettings {
  tenantId: string;
  clientId: string;
  cloud?: Cloud;
  /** Default: defaultCachePath(). */
  cachePath?: string;
  /** The plan's folder; the cache must not be inside it. */
  planDir?: string;
  /** Debug lines from MSAL (already redacted, PII logging off). */
  log?: (message: string) => void;
  /** MSAL's HTTP client; tests inject one, the default is MSAL's own. */
  networkClient?: INetworkModule;
}

function baseConfig(settings: MsalSettings): Configuration {
  const cachePath = settings.cachePath ?? defaultCachePath();
  assertOutsidePlanFolder(cachePath, settings.planDir);
  return {
    auth: { clientId: settings.clientId, authority: authorityFor(settings.cloud, settings.tenantId) },
    cache: { cachePlugin: fileCachePlugin(cachePath) },
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (_level, message) => settings.log?.(redact(message)),
      },
      ...(settings.networkClient ? { networkClient: settings.networkClient } : {}),
    },
  };
}

function signInError(what: string, error: unknown): Error {
  return new Error(`Sign-in (${what}) failed: ${describeError(error)}`);
}

const isGuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export interface DeviceCodeSettings extends MsalSettings {
  /** Shows MSAL's "To sign in, use a web browser to open ... and enter the code ..." message. */
  onDeviceCode: (message: string) => void;
}

export function createDeviceCodeTokenSource(settings: DeviceCodeSettings): TokenSource {
  const app = new PublicClientApplication(baseConfig(settings));
  let account: AccountInfo | undefined;
  return {
    describe: () => `device code sign-in${account?.username ? ` as ${account.username}` : ''} to tenant ${settings.tenantId}`,
    async getToken(scopes, signal) {
      signal?.throwIfAborted();
      const wanted = qualifyScopes(scopes, settings.cloud);
      if (!account) {
        const accounts = await app.getTokenCache().getAllAccounts();
        account = accounts.find((a) => a.tenantId === settings.tenantId);
      }
      if (account) {
        try {
          const result = await app.acquireTokenSilent({ account, scopes: wanted });
          if (result?.accessToken) return result.accessToken;
        } catch (error) {
          if (!(error instanceof InteractionRequiredAuthError)) throw signInError('cached account', error);
        }
      }
      const request: DeviceCodeRequest = { scopes: wanted, deviceCodeCallback: (response) => settings.onDeviceCode(response.message) };
      const onAbort = () => {
        request.cancel = true;
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await app.acquireTokenByDeviceCode(request);
        signal?.throwIfAborted();
        if (!result?.accessToken) throw new Error('no token was returned');
        account = result.account ?? undefined;
        if (account?.tenantId && isGuid(settings.tenantId) && account.tenantId.toLowerCase() !== settings.tenantId.toLowerCase())
          throw new Error(`signed in to tenant ${account.tenantId}, but the plan names ${settings.tenantId}`);
        return result.accessToken;
      } catch (error) {
        if (signal?.aborted)
          throw signal.reason instanceof Error ? signal.reason : Object.assign(new Error('Sign-in cancelled.'), { name: 'AbortError' });
        throw signInError('device code', error);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

export interface ClientCredentials {
  /** PEM with the private key (and ideally the certificate, whose thumbprint is then computed). */
  certificatePem?: string;
  /** SHA-256 (64 hex) or SHA-1 (40 hex) thumbprint; needed when the PEM holds no certificate. */
  thumbprint?: string;
  secret?: string;
}

/** Private key + thumbprint from a PEM; thumbprint computed from the certificate when present. */
export function certificateFromPem(
  pem: string,
  thumbprint?: string,
): { privateKey: string; thumbprintSha256?: string; thumbprint?: string } {
  const key = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!key) throw new Error('The client certificate file has no PEM private key block (-----BEGIN PRIVATE KEY-----).');
  const hex = thumbprint?.replace(/[^0-9a-f]/gi, '').toUpperCase();
  if (hex?.length === 64) return { privateKey: key, thumbprintSha256: hex };
  if (hex?.length === 40) return { privateKey: key, thumbprint: hex };
  if (hex) throw new Error('The certificate thumbprint must be 40 (SHA-1) or 64 (SHA-256) hex digits.');
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!cert)
    throw new Error('The client certificate file has no certificate to compute the thumbprint from; set CM2INTUNE_CLIENT_CERT_THUMBPRINT.');
  return { privateKey: key, thumbprintSha256: new X509Certificate(cert).fingerprint256.replace(/:/g, '') };
}

export function createClientCredentialsTokenSource(settings: MsalSettings & ClientCredentials): TokenSource {
  const config = baseConfig(settings);
  if (settings.certificatePem) {
    config.auth.clientCertificate = certificateFromPem(settings.certificatePem, settings.thumbprint);
    registerSecret(config.auth.clientCertificate.privateKey);
  } else if (settings.secret) {
    registerSecret(settings.secret);
    config.auth.clientSecret = settings.secret;
  } else throw new Error('Client credentials need a certificate (CM2INTUNE_CLIENT_CERT_PATH) or a secret (CM2INTUNE_CLIENT_SECRET).');
  const app = new ConfidentialClientApplication(config);
  const how = settings.certificatePem ? 'certificate' : 'secret';
  return {
    describe: () => `app ${settings.clientId} (client ${how}) in tenant ${settings.tenantId}`,
    async getToken(_scopes, signal) {
      signal?.throwIfAborted();
      // App-only tokens carry the permissions granted to the app; MSAL only accepts `.default` here.
      try {
        const result = await app.acquireTokenByClientCredential({ scopes: defaultScopes(settings.cloud) });
        if (!result?.accessToken) throw new Error('no token was returned');
        return result.accessToken;
      } catch (error) {
        throw signInError(`client ${how}`, error);
      }
    },
  };
}

/**
 * The CLI's choice: client credentials when CM2INTUNE_CLIENT_CERT_PATH or CM2INTUNE_CLIENT_SECRET
 * is set, device code otherwise.
 */
export function tokenSourceFromEnv(settings: DeviceCodeSettings, env: NodeJS.ProcessEnv = process.env): TokenSource {
  const certPath = env.CM2INTUNE_CLIENT_CERT_PATH;
  if (certPath) {
    let pem: string;
    try {
      pem = readFileSync(certPath, 'utf8');
    } catch (error) {
      throw new Error(`Cannot read CM2INTUNE_CLIENT_CERT_PATH ${certPath}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
    }
    return createClientCredentialsTokenSource({ ...settings, certificatePem: pem, thumbprint: env.CM2INTUNE_CLIENT_CERT_THUMBPRINT });
  }
  if (env.CM2INTUNE_CLIENT_SECRET) return createClientCredentialsTokenSource({ ...settings, secret: env.CM2INTUNE_CLIENT_SECRET });
  return createDeviceCodeTokenSource(settings);
}
