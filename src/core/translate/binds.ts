// The create body with its links to other Intune objects. Graph form (community-confirmed for
// rootCertificate, assumed alike for the Wi-Fi/VPN/e-mail links, domain notes D.1/G.7):
//   "rootCertificate@odata.bind": "https://graph.microsoft.com/beta/deviceManagement/deviceConfigurations('<id>')"
// and an array of such URLs for collection-valued links.
import type { Translation } from './types';

export function bodyWithBinds(
  translation: Translation,
  idOf: (key: string) => string,
  graphBaseUrl = 'https://graph.microsoft.com',
): Record<string, unknown> {
  if (!translation.request) throw new Error(`"${translation.source.name}" is not importable: it has no create request`);
  const body: Record<string, unknown> = { ...translation.request.body };
  const url = (key: string) =>
    `${graphBaseUrl.replace(/\/$/, '')}/${translation.request!.apiVersion}/deviceManagement/deviceConfigurations('${idOf(key)}')`;
  for (const dep of translation.dependencies) {
    const prop = `${dep.bind}@odata.bind`;
    if (dep.many) body[prop] = [...((body[prop] as string[] | undefined) ?? []), url(dep.key)];
    else body[prop] = url(dep.key);
  }
  return body;
}
