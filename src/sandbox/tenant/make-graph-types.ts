// Builds graph-types.json: for each Intune @odata.type the sandbox accepts, its writable and
// read-only properties and the navigation properties that can be bound with @odata.bind, per
// Graph version. Source: the resource pages of a microsoft-graph-docs checkout (the property
// tables list inherited properties too). Re-run when a newer docs snapshot is wanted:
//
//   npx tsx src/sandbox/tenant/make-graph-types.ts <microsoft-graph-docs checkout>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Roots of the object families the sandbox serves; every documented descendant is included. */
const ROOTS = ['deviceConfiguration', 'deviceCompliancePolicy', 'mobileApp', 'termsAndConditions'];
/** Server-managed on every resource, whatever the page says. */
const ALWAYS_READ_ONLY = ['id', 'createdDateTime', 'lastModifiedDateTime', 'version', 'supportsScopeTags', 'publishingState', 'isAssigned', 'uploadState', 'dependentAppCount', 'supersedingAppCount', 'supersededAppCount'];
/** termsAndConditions.version is the admin's "require re-acceptance" counter: writable. */
const WRITABLE_EXCEPTIONS: Record<string, string[]> = { termsAndConditions: ['version'] };
/** Base classes Graph refuses to create (docs do not mark them; derived-from is not enough:
 *  iosWiFiConfiguration is concrete although iosEnterpriseWiFiConfiguration derives from it). */
const ABSTRACT = ['deviceConfiguration', 'deviceCompliancePolicy', 'mobileApp', 'mobileLobApp', 'managedApp', 'managedMobileLobApp', 'vpnConfiguration', 'appleVpnConfiguration', 'windowsVpnConfiguration', 'iosCertificateProfile'];

interface Page { name: string; parent?: string; props: { name: string; readOnly: boolean }[]; rels: { name: string; type: string; many: boolean }[] }

function parsePage(text: string): Page | undefined {
  const name = /^# (\w+) resource type/m.exec(text)?.[1];
  if (!name) return undefined;
  const parent = /^Inherits from \[(\w+)\]/m.exec(text)?.[1];
  const section = (title: string) => {
    const start = text.indexOf(`## ${title}\n`);
    if (start < 0) return [];
    const rest = text.slice(start + title.length + 4);
    const end = rest.search(/^## /m);
    return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.startsWith('|') && !l.startsWith('|:') && !l.startsWith('|Property|') && !l.startsWith('|Relationship|'));
  };
  const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
  const props = section('Properties').map(cells).filter((c) => /^\w+$/.test(c[0] ?? '')).map((c) => ({ name: c[0], readOnly: /read-only/i.test(c[2] ?? '') }));
  const rels = section('Relationships').map(cells).filter((c) => /^\w+$/.test(c[0] ?? '')).map((c) => ({
    name: c[0],
    type: /\[(\w+)\]/.exec(c[1] ?? '')?.[1] ?? '',
    many: /collection/.test(c[1] ?? ''),
  }));
  return { name, parent, props, rels };
}

export interface GraphTypeInfo {
  root: string;
  abstract: boolean;
  writable: string[];
  readOnly: string[];
  /** navigation property -> collection? (only links to other objects of the same family) */
  bindable: Record<string, boolean>;
}
export type GraphTypes = Record<'v1.0' | 'beta', Record<string, GraphTypeInfo>>;

function build(dir: string): Record<string, GraphTypeInfo> {
  const pages = new Map<string, Page>();
  for (const file of readdirSync(dir)) {
    if (!file.startsWith('intune-') || !file.endsWith('.md')) continue;
    const page = parsePage(readFileSync(join(dir, file), 'utf8'));
    if (page && !pages.has(page.name)) pages.set(page.name, page);
  }
  const rootOf = (name: string): string | undefined => {
    for (let n: string | undefined = name, hops = 0; n && hops < 20; n = pages.get(n)?.parent, hops++) if (ROOTS.includes(n)) return n;
    return undefined;
  };
  const out: Record<string, GraphTypeInfo> = {};
  for (const page of [...pages.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const root = rootOf(page.name);
    if (!root) continue;
    const exceptions = WRITABLE_EXCEPTIONS[root] ?? [];
    const isReadOnly = (p: { name: string; readOnly: boolean }) => !exceptions.includes(p.name) && (p.readOnly || ALWAYS_READ_ONLY.includes(p.name));
    const bindable: Record<string, boolean> = {};
    for (const r of page.rels) if (rootOf(r.type) === 'deviceConfiguration' && root === 'deviceConfiguration') bindable[r.name] = r.many;
    out[page.name] = {
      root,
      abstract: ABSTRACT.includes(page.name) || /Base$/.test(page.name),
      writable: page.props.filter((p) => !isReadOnly(p)).map((p) => p.name),
      readOnly: page.props.filter(isReadOnly).map((p) => p.name),
      bindable,
    };
  }
  return out;
}

if (require.main === module) {
  const docs = process.argv[2];
  if (!docs) {
    console.error('usage: tsx src/sandbox/tenant/make-graph-types.ts <microsoft-graph-docs checkout>');
    process.exit(2);
  }
  const types: GraphTypes = {
    'v1.0': build(join(docs, 'api-reference/v1.0/resources')),
    beta: build(join(docs, 'api-reference/beta/resources')),
  };
  const target = join(__dirname, 'graph-types.json');
  writeFileSync(target, JSON.stringify(types) + '\n');
  console.log(`wrote ${target}: ${Object.keys(types['v1.0']).length} v1.0 types, ${Object.keys(types.beta).length} beta types`);
}
