// National clouds: where Graph and the sign-in authority live for each cloud. One table, so a
// new cloud or a changed host is one line. Tokens are not interchangeable across clouds.
import type { Cloud } from '../plan/types';

export interface CloudEndpoints {
  /** Graph service root, no trailing slash. */
  graph: string;
  /** Sign-in (Entra ID) host, no trailing slash. */
  login: string;
  /** Words for messages. */
  label: string;
  /** The Intune admin center of this cloud, no trailing slash (see docs/vscode.md, "Object detail"). */
  adminCenter: string;
  /** VS Code auth provider that signs in to this cloud. */
  vscodeProvider: 'microsoft' | 'microsoft-sovereign-cloud';
  /** Value of `microsoft-sovereign-cloud.environment` that selects this cloud, when sovereign. */
  vscodeEnvironment?: 'USGovernment' | 'ChinaCloud' | 'custom';
}

export const CLOUDS: Readonly<Record<Cloud, CloudEndpoints>> = {
  global: {
    graph: 'https://graph.microsoft.com',
    login: 'https://login.microsoftonline.com',
    label: 'Global (incl. GCC)',
    adminCenter: 'https://intune.microsoft.com',
    vscodeProvider: 'microsoft',
  },
  usgov: {
    graph: 'https://graph.microsoft.us',
    login: 'https://login.microsoftonline.us',
    label: 'US Government GCC High',
    adminCenter: 'https://intune.microsoft.us',
    vscodeProvider: 'microsoft-sovereign-cloud',
    vscodeEnvironment: 'USGovernment',
  },
  // DoD shares the GCC High sign-in host but has its own Graph host; VS Code's sovereign
  // provider has no DoD preset, so it needs the `custom` environment.
  usgovdod: {
    graph: 'https://dod-graph.microsoft.us',
    login: 'https://login.microsoftonline.us',
    label: 'US Government DoD',
    // DoD has no admin center host of its own: it signs in through the GCC High one.
    adminCenter: 'https://intune.microsoft.us',
    vscodeProvider: 'microsoft-sovereign-cloud',
    vscodeEnvironment: 'custom',
  },
  china: {
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    login: 'https://login.chinacloudapi.cn',
    label: 'China (21Vianet)',
    adminCenter: 'https://intune.microsoft.cn',
    vscodeProvider: 'microsoft-sovereign-cloud',
    vscodeEnvironment: 'ChinaCloud',
  },
};

export function cloudEndpoints(cloud: Cloud = 'global'): CloudEndpoints {
  const endpoints = CLOUDS[cloud];
  if (!endpoints) throw new Error(`Unknown cloud "${cloud}" in the plan's tenant.cloud: use one of ${Object.keys(CLOUDS).join(', ')}.`);
  return endpoints;
}

/** Authority URL for a tenant in a cloud, e.g. https://login.microsoftonline.us/<tenant>. */
export function authorityFor(cloud: Cloud | undefined, tenantId: string): string {
  return `${cloudEndpoints(cloud).login}/${encodeURIComponent(tenantId)}`;
}
