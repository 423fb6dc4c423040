// The starter plan written by "cm2intune: New migration plan" and `cm2intune init`.
// Its comments teach the format; its only findings are its placeholders, "fill in" errors until
// the admin puts in the site's values (a test keeps it that way).

export const STARTER_PLAN = `// cm2intune migration plan. Hover a property for its meaning; Ctrl+Space suggests values.
// The plan says what runs: every phase previews its steps from this file before it writes.
{
  "version": 1,
  "name": "Contoso hybrid MDM to Intune standalone",

  // The ConfigMgr site database, read only. Replace each "<...>" with your site's value, and
  // the site code with yours: until then the plan says what to fill in, and nothing connects
  // or asks for a password (the connection test names a wrong site code). The password is
  // never stored here: set CM2INTUNE_SQL_PASSWORD, or enter it when asked.
  // Check it with "cm2intune: Test site connection" (CLI: \`cm2intune site test --plan <plan>\`).
  // ConfigMgr's SQL certificate is usually self-signed: pin it with
  // "encryption": { "certificateThumbprint": "..." }.
  // To work offline, use { "source": "snapshot", "path": "site.snapshot.json" } instead
  // (written by "cm2intune: Export site snapshot" or \`cm2intune site export\`).
  "site": {
    "source": "sql",
    "server": "<your site database server, e.g. cm01.contoso.com>",
    "database": "<your site database, e.g. CM_P01>",
    "siteCode": "P01",
    "auth": { "type": "ntlm", "domain": "<the login's domain, e.g. CONTOSO>", "user": "<a login that may read the site database, e.g. svc-cm-read>" }
  },

  // The Intune tenant. The sandbox is a local Graph-compatible server for trying things out.
  // For a real tenant: { "id": "<Directory (tenant) ID>", "cloud": "global", "clientId": "<your app registration>" }
  "tenant": { "sandbox": true },

  // The user collection tied to the Intune subscription (phase 3 excludes wave users from it):
  // your site's, in the ConfigMgr console (Administration > Cloud Services > Microsoft Intune Subscriptions).
  "subscriptionCollection": "P0100014",

  // Phase 1: what to create in Intune. Omit "kinds" to take every kind.
  "import": {
    "kinds": ["compliance", "configuration", "certificate", "wifi", "vpn", "email", "app"],
    "exclude": [],
    "assignments": true
  },

  // Collections -> Entra ID groups. Without an entry here, a collection maps by its AD group's
  // SID, then by the same name; "createMissing" makes a cloud group for the rest.
  "groups": {
    "map": {},
    "createMissing": false
  },

  // Phase 2: checks before users move.
  "prepare": { "checkLicenses": true },

  // Phase 3: users leave hybrid MDM in these waves (UPN or DOMAIN\\\\user), one wave at a time.
  "waves": [
    { "name": "Pilot", "users": ["alice@contoso.com"] }
  ]
}
`;
