// Who the site database login is, and where the CLI and the extension find its password. Kept
// apart from connection.ts so a face can name the login without loading the SQL driver.
import type { SqlSiteSource } from '../../plan/types';

export const PASSWORD_ENV = 'CM2INTUNE_SQL_PASSWORD';

/** `CONTOSO\\svc-cm-read` for NTLM, the SQL login otherwise: how every message names the login. */
export function loginName(config: SqlSiteSource): string {
  return config.auth.type === 'ntlm' ? `${config.auth.domain}\\${config.auth.user}` : config.auth.user;
}
