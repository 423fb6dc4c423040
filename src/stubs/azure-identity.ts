// Stand-in for @azure/identity in the bundles: tedious requires it for Azure AD logins to SQL,
// which cm2intune never offers (the plan's site auth is a SQL login or NTLM). Bundling the real
// package would add about 430 KB to load for nothing; a use of it fails loudly instead.
class NotBundled {
  constructor() {
    throw new Error('Azure AD sign-in to the site database is not supported by cm2intune: use a SQL login or NTLM (site.auth).');
  }
}
export const UsernamePasswordCredential = NotBundled;
export const ManagedIdentityCredential = NotBundled;
export const DefaultAzureCredential = NotBundled;
export const ClientSecretCredential = NotBundled;
