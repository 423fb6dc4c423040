// Builds graph-types.json: for each Intune @odata.type the sandbox accepts, its writable and
// read-only properties, the navigation properties that can be bound with @odata.bind, and the
// properties of the complex types those objects carry (e.g. minimumSupportedOperatingSystem), per
// Graph version. Source: Microsoft's published metadata, the msgraph-metadata repository (a
// checkout, or a git directory read with `git show HEAD:<path>`):
//
//   v1.0  schemas/v1.0-Prod.csdl: types, base types, Abstract, properties, navigation properties
//         and their types, complex types; read-only = a property annotated Core.Computed or with
//         Core.Permissions Read only.
//   beta  schemas/type-mappings/beta-{entity,complex}-types.json: the properties and navigation
//         properties each type declares (beta-Prod.csdl itself is too large to be stored here).
//         They carry no base types and no read-only marks, so: base type, Abstract and the type
//         of a navigation property come from v1.0 when the type exists there, else from
//         graph-beta-inheritance.json (derived once from the microsoft-graph-docs table this file
//         replaced: see docs/sandbox-tenant.md); a property is read-only as v1.0 marks it on the
//         declaring type, else as those docs said.
//
// A beta type the metadata no longer has is left out: the sandbox refuses what the service would.
// Re-run when newer metadata is wanted:
//
//   npx tsx src/sandbox/tenant/make-graph-types.ts <msgraph-metadata checkout or git dir>
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Roots of the object families the sandbox serves; every descendant is included. */
const ROOTS = ['deviceConfiguration', 'deviceCompliancePolicy', 'mobileApp', 'termsAndConditions'];
/** Server-managed on every resource, whatever the metadata says. */
const ALWAYS_READ_ONLY = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'version',
  'supportsScopeTags',
  'publishingState',
  'isAssigned',
  'uploadState',
  'dependentAppCount',
  'supersedingAppCount',
  'supersededAppCount',
];
/** termsAndConditions.version is the admin's "require re-acceptance" counter: writable. */
const WRITABLE_EXCEPTIONS: Record<string, string[]> = { termsAndConditions: ['version'] };

const V1_CSDL = 'schemas/v1.0-Prod.csdl';
const BETA_ENTITIES = 'schemas/type-mappings/beta-entity-types.json';
const BETA_COMPLEX = 'schemas/type-mappings/beta-complex-types.json';
const INHERITANCE = join(__dirname, 'graph-beta-inheritance.json');

export interface GraphTypeInfo {
  root: string;
  abstract: boolean;
  writable: string[];
  readOnly: string[];
  /** navigation property -> collection? (only links to other objects of the same family) */
  bindable: Record<string, boolean>;
  /** property -> the complex type of its value, for the complex types listed in `complex`. */
  complex?: Record<string, string>;
}
export interface GraphTypes {
  'v1.0': Record<string, GraphTypeInfo>;
  beta: Record<string, GraphTypeInfo>;
  /** complex type -> its properties (inherited ones included), per version. */
  complex: Record<'v1.0' | 'beta', Record<string, string[]>>;
  source: Record<string, string>;
}

/** Docs-derived facts about beta types the beta metadata here does not carry. */
export type BetaInheritance = Record<
  string,
  { base: string | null; abstract: boolean; readOnly: string[]; bindable: Record<string, boolean> }
>;

type Mapping = Record<string, { properties: string[]; navigationProperties: string[] }>;

interface CsdlType {
  name: string;
  base?: string;
  abstract: boolean;
  props: { name: string; type: string }[];
  navs: { name: string; type: string; many: boolean }[];
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const local = (qualified: string) =>
  qualified
    .replace(/^Collection\(/, '')
    .replace(/\)$/, '')
    .replace(/^(graph|microsoft\.graph)\./, '');

/** The `microsoft.graph` schema of a CSDL: entity and complex types, and the read-only properties. */
export function parseCsdl(text: string): { entities: Map<string, CsdlType>; complex: Map<string, CsdlType>; readOnly: Set<string> } {
  const start = text.indexOf('<Schema Namespace="microsoft.graph"');
  const end = text.indexOf('</Schema>', start);
  const schema = text.slice(start, end);
  const entities = new Map<string, CsdlType>();
  const complex = new Map<string, CsdlType>();
  for (const m of schema.matchAll(/<(EntityType|ComplexType)\s[^>]*?(\/>|>([\s\S]*?)<\/\1>)/g)) {
    const open = m[0].slice(0, m[0].indexOf('>') + 1);
    const body = m[3] ?? '';
    const t: CsdlType = {
      name: attr(open, 'Name')!,
      base: attr(open, 'BaseType') && local(attr(open, 'BaseType')!),
      abstract: attr(open, 'Abstract') === 'true',
      props: [...body.matchAll(/<Property\s[^>]*>/g)].map((p) => ({ name: attr(p[0], 'Name')!, type: local(attr(p[0], 'Type') ?? '') })),
      navs: [...body.matchAll(/<NavigationProperty\s[^>]*>/g)].map((n) => ({
        name: attr(n[0], 'Name')!,
        type: local(attr(n[0], 'Type') ?? ''),
        many: /^Collection\(/.test(attr(n[0], 'Type') ?? ''),
      })),
    };
    (m[1] === 'EntityType' ? entities : complex).set(t.name, t);
  }
  const readOnly = new Set<string>();
  // Annotations may sit in any schema block of the file; their targets are fully qualified.
  for (const m of text.matchAll(/<Annotations Target="microsoft\.graph\.(\w+)\/(\w+)">([\s\S]*?)<\/Annotations>/g)) {
    const computed = /Term="Org\.OData\.Core\.V1\.Computed"\s+Bool="true"/.test(m[3]);
    const permissions = /Term="Org\.OData\.Core\.V1\.Permissions">([\s\S]*?)<\/Annotation>/.exec(m[3])?.[1];
    const readOnlyPermission = permissions !== undefined && /Permission\/Read</.test(permissions) && !/ReadWrite|Write</.test(permissions);
    if (computed || readOnlyPermission) readOnly.add(`${m[1]}/${m[2]}`);
  }
  return { entities, complex, readOnly };
}

function chain<T extends { base?: string | null }>(name: string, get: (n: string) => T | undefined): string[] {
  const out: string[] = [];
  for (let n: string | undefined | null = name; n && out.length < 20 && get(n); n = get(n)!.base) out.push(n);
  return out;
}

function buildV1(csdl: ReturnType<typeof parseCsdl>): { types: Record<string, GraphTypeInfo>; complex: Record<string, string[]> } {
  const get = (n: string) => csdl.entities.get(n);
  const rootOf = (name: string) => chain(name, get).find((n) => ROOTS.includes(n));
  const complexProps = (name: string): string[] =>
    chain(name, (n) => csdl.complex.get(n)).flatMap((n) => csdl.complex.get(n)!.props.map((p) => p.name));
  const types: Record<string, GraphTypeInfo> = {};
  const complex: Record<string, string[]> = {};
  for (const t of [...csdl.entities.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const root = rootOf(t.name);
    if (!root) continue;
    const exceptions = WRITABLE_EXCEPTIONS[root] ?? [];
    const writable: string[] = [];
    const readOnly: string[] = [];
    const bindable: Record<string, boolean> = {};
    const complexOf: Record<string, string> = {};
    // Base type first, as the docs tables listed inherited properties.
    for (const owner of chain(t.name, get).reverse()) {
      for (const p of get(owner)!.props) {
        const ro = !exceptions.includes(p.name) && (csdl.readOnly.has(`${owner}/${p.name}`) || ALWAYS_READ_ONLY.includes(p.name));
        (ro ? readOnly : writable).push(p.name);
        if (csdl.complex.has(p.type)) {
          complexOf[p.name] = p.type;
          complex[p.type] ??= complexProps(p.type);
        }
      }
      for (const n of get(owner)!.navs)
        if (root === 'deviceConfiguration' && rootOf(n.type) === 'deviceConfiguration') bindable[n.name] = n.many;
    }
    types[t.name] = {
      root,
      abstract: t.abstract,
      writable,
      readOnly,
      bindable,
      ...(Object.keys(complexOf).length ? { complex: complexOf } : {}),
    };
  }
  return { types, complex };
}

function buildBeta(
  declared: Mapping,
  declaredComplex: Mapping,
  v1: ReturnType<typeof parseCsdl>,
  inheritance: BetaInheritance,
): { types: Record<string, GraphTypeInfo>; complex: Record<string, string[]> } {
  const base = (n: string): string | null | undefined => (v1.entities.has(n) ? (v1.entities.get(n)!.base ?? null) : inheritance[n]?.base);
  const get = (n: string) => (declared[n] ? { base: base(n) } : undefined);
  const rootOf = (name: string) => chain(name, get).find((n) => ROOTS.includes(n));
  const names = new Set([...Object.keys(declared)].filter((n) => rootOf(n)));
  const types: Record<string, GraphTypeInfo> = {};
  const complex: Record<string, string[]> = {};
  for (const name of [...names].sort()) {
    const root = rootOf(name)!;
    const exceptions = WRITABLE_EXCEPTIONS[root] ?? [];
    const writable: string[] = [];
    const readOnly: string[] = [];
    const bindable: Record<string, boolean> = {};
    const complexOf: Record<string, string> = {};
    for (const owner of chain(name, get).reverse()) {
      const v1Owner = v1.entities.get(owner);
      for (const p of declared[owner].properties) {
        const known = v1Owner?.props.find((x) => x.name === p);
        const marked = known ? v1.readOnly.has(`${owner}/${p}`) : (inheritance[owner]?.readOnly ?? []).includes(p);
        const ro = !exceptions.includes(p) && (marked || ALWAYS_READ_ONLY.includes(p));
        (ro ? readOnly : writable).push(p);
        if (known && v1.complex.has(known.type) && declaredComplex[known.type]) {
          complexOf[p] = known.type;
          complex[known.type] ??= declaredComplex[known.type].properties;
        }
      }
      for (const n of declared[owner].navigationProperties) {
        if (root !== 'deviceConfiguration') continue;
        const nav = v1Owner?.navs.find((x) => x.name === n);
        if (nav && rootOf(nav.type) === 'deviceConfiguration') bindable[n] = nav.many;
        else if (!nav && n in (inheritance[owner]?.bindable ?? {})) bindable[n] = inheritance[owner].bindable[n];
      }
    }
    const abstract = v1.entities.has(name) ? v1.entities.get(name)!.abstract : (inheritance[name]?.abstract ?? false);
    types[name] = { root, abstract, writable, readOnly, bindable, ...(Object.keys(complexOf).length ? { complex: complexOf } : {}) };
  }
  return { types, complex };
}

/**
 * The docs-derived facts, from a graph-types.json built from microsoft-graph-docs (the former
 * generator), for the beta types v1.0 does not have. The docs pages listed inherited properties
 * and the table kept no base type, so it is recovered with the beta metadata: a type's base is
 * the type of its family whose docs property set is the type's own minus what the metadata says
 * the type declares (the closest one when the docs and the metadata differ a little).
 */
export function inheritanceFromDocsTable(
  docsBeta: Record<string, GraphTypeInfo>,
  declared: Mapping,
  v1: ReturnType<typeof parseCsdl>,
): BetaInheritance {
  const all = (i: GraphTypeInfo) => new Set([...i.writable, ...i.readOnly]);
  // Equally close candidates (a type adding no property of its own looks like its base): an
  // abstract one, then the family's root, then the longer common prefix, then the shorter name.
  const prefix = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return i;
  };
  const preferred = (a: string, b: string, of: string) => {
    const rank = (n: string) => [docsBeta[n].abstract ? 0 : 1, ROOTS.includes(n) ? 0 : 1, -prefix(n, of), n.length];
    const [x, y] = [rank(a), rank(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i];
    return a < b;
  };
  const out: BetaInheritance = {};
  for (const [name, info] of Object.entries(docsBeta)) {
    if (v1.entities.has(name)) continue;
    let base: string | null = null;
    if (!ROOTS.includes(name)) {
      const own = new Set(declared[name]?.properties ?? []);
      const inherited = new Set([...all(info)].filter((p) => !own.has(p)));
      let best = Infinity;
      for (const [other, o] of Object.entries(docsBeta)) {
        // A base still exists in the metadata, and is abstract, a root, or declares something.
        if (other === name || o.root !== info.root || !declared[other]) continue;
        if (!o.abstract && !ROOTS.includes(other) && declared[other].properties.length === 0) continue;
        const theirs = all(o);
        const distance = [...theirs].filter((p) => !inherited.has(p)).length * 2 + [...inherited].filter((p) => !theirs.has(p)).length;
        if (distance < best || (distance === best && base !== null && preferred(other, base, name))) {
          best = distance;
          base = other;
        }
      }
    }
    out[name] = { base, abstract: info.abstract, readOnly: info.readOnly, bindable: info.bindable };
  }
  return out;
}

function readSource(repo: string, path: string): string {
  if (existsSync(join(repo, path))) return readFileSync(join(repo, path), 'utf8');
  return execFileSync('git', ['-C', repo, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function lastChange(repo: string, path: string): string {
  try {
    return execFileSync('git', ['-C', repo, 'log', '-1', '--format=%H %cs', '--', path], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function buildGraphTypes(repo: string): GraphTypes {
  const v1 = parseCsdl(readSource(repo, V1_CSDL));
  const ns = (text: string) => (JSON.parse(text) as Record<string, Mapping>)['microsoft.graph'];
  const inheritance = JSON.parse(readFileSync(INHERITANCE, 'utf8')) as BetaInheritance;
  const v1Built = buildV1(v1);
  const betaBuilt = buildBeta(ns(readSource(repo, BETA_ENTITIES)), ns(readSource(repo, BETA_COMPLEX)), v1, inheritance);
  return {
    'v1.0': v1Built.types,
    beta: betaBuilt.types,
    complex: { 'v1.0': v1Built.complex, beta: betaBuilt.complex },
    source: {
      repository: 'microsoftgraph/msgraph-metadata',
      [V1_CSDL]: lastChange(repo, V1_CSDL),
      [BETA_ENTITIES]: lastChange(repo, BETA_ENTITIES),
      [BETA_COMPLEX]: lastChange(repo, BETA_COMPLEX),
      inheritance:
        'graph-beta-inheritance.json: base types, Abstract, read-only and bindable of beta types where the beta metadata has none (microsoft-graph-docs)',
    },
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--inheritance-from-docs-table' && args[1]) {
    // One-off: derive graph-beta-inheritance.json from a docs-built graph-types.json.
    const docs = JSON.parse(readFileSync(args[1], 'utf8')) as { beta: Record<string, GraphTypeInfo> };
    const repo = args[2];
    if (!repo) throw new Error('also name the msgraph-metadata checkout');
    const declared = (JSON.parse(readSource(repo, BETA_ENTITIES)) as Record<string, Mapping>)['microsoft.graph'];
    writeFileSync(
      INHERITANCE,
      JSON.stringify(inheritanceFromDocsTable(docs.beta, declared, parseCsdl(readSource(repo, V1_CSDL))), null, 1) + '\n',
    );
    console.log(`wrote ${INHERITANCE}`);
  } else if (args[0]) {
    const types = buildGraphTypes(args[0]);
    const target = join(__dirname, 'graph-types.json');
    writeFileSync(target, JSON.stringify(types) + '\n');
    console.log(`wrote ${target}: ${Object.keys(types['v1.0']).length} v1.0 types, ${Object.keys(types.beta).length} beta types`);
  } else {
    console.error(
      'usage: tsx src/sandbox/tenant/make-graph-types.ts <msgraph-metadata checkout or git dir>\n' +
        '       tsx src/sandbox/tenant/make-graph-types.ts --inheritance-from-docs-table <graph-types.json built from microsoft-graph-docs> <msgraph-metadata checkout>',
    );
    process.exit(2);
  }
}
