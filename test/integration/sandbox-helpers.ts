// Shared by the sandbox-*.test.ts contract tests: plain fetch against a running sandbox tenant.
import { startSandboxTenant, type SandboxOptions, type SandboxTenant } from '../../src/sandbox/tenant/index';

export const APP_TOKEN = fakeJwt('11111111-2222-4333-8444-555555555555');

/** A JWT-shaped token (unsigned: the sandbox accepts any bearer token) naming the app. */
export function fakeJwt(appid: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ appid, tid: '00000000-0000-4000-8000-000000000001' })}.sig`;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function client(tenant: SandboxTenant, token = APP_TOKEN) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> => {
    const url = path.startsWith('http') ? path : `${tenant.url}${path}`;
    const res = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: <T = any>(p: string) => call<T>('GET', p),
    post: <T = any>(p: string, b: unknown) => call<T>('POST', p, b),
    patch: <T = any>(p: string, b: unknown) => call<T>('PATCH', p, b),
    del: <T = any>(p: string) => call<T>('DELETE', p),
    call,
  };
}

export async function withSandbox(options: SandboxOptions = {}): Promise<SandboxTenant> {
  return startSandboxTenant({ throttle: false, ...options });
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const trustedRoot = (name = 'Contoso Root CA (iOS)') => ({
  '@odata.type': '#microsoft.graph.iosTrustedRootCertificate',
  displayName: name,
  description: 'cm2intune:ScopeId_7E3D/ConfigurationPolicy_01db/1',
  trustedRootCertificate: Buffer.from('CN=Contoso Root CA').toString('base64'),
  certFileName: 'ContosoRootCA.cer',
});

export const compliance = (blocks = 1) => ({
  '@odata.type': '#microsoft.graph.iosCompliancePolicy',
  displayName: 'iOS Compliance – Corporate',
  passcodeRequired: true,
  passcodeMinimumLength: 6,
  scheduledActionsForRule: [
    {
      ruleName: 'PasswordRequired',
      scheduledActionConfigurations: Array.from({ length: blocks }, () => ({
        actionType: 'block',
        gracePeriodHours: 0,
        notificationTemplateId: '',
        notificationMessageCCList: [],
      })),
    },
  ],
});
