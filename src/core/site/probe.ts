// `cm2intune site probe`: what a site's digests look like, without what they say about people.
// Per CI type (and per app deployment technology): the element paths, their attribute names, and
// the value sets of enum-like attributes, plus where the reader's assumptions don't hold (payload
// attributes, settings and platform rules it doesn't know). An admin with a real site can share
// the file to show where cm2intune reads it wrongly.
//
// No user data: element text (certificates, payloads, titles) is never written, only counted;
// attribute values are written only when they are numbers or booleans, or when the attribute is
// one ConfigMgr fills from a fixed vocabulary (ENUM_ATTRIBUTES) and every value is a bare token.
// Names, UPNs, SSIDs, URLs, hosts, descriptions and anything else free-text are left out, with
// only how many distinct values there were.
import type { SiteModel } from './model';
import { catalogEntry, KIOSK_PREFIX } from './sdm/catalog';
import { PAYLOAD_SETTINGS, platformOfRule, untargetablePlatform } from './sdm';
import { attributes, DigestError, elements, parseDigestXml, text, type XmlNode } from './sdm/xml';

/**
 * Attributes ConfigMgr writes from a fixed list (the cmdlets' "Accepted values", the SDM rule
 * schema), whose values are vocabulary, not data. Anything not listed is withheld.
 */
export const ENUM_ATTRIBUTES = new Set([
  // SDM rules and references
  'DataType',
  'Severity',
  'NonCompliantWhenSettingIsNotFound',
  'Operator',
  'Technology',
  // Wi-Fi, VPN, e-mail, certificate profiles
  'Security',
  'EapType',
  'ConnectAutomatically',
  'Hidden',
  'ConnectionType',
  'Authentication',
  'SendAllTraffic',
  'Default',
  'UserName',
  'EmailAddress',
  'UseSsl',
  'SyncDuration',
  'SyncCalendar',
  'SyncContacts',
  'SyncTasks',
  'SubjectNameFormat',
  'SubjectAlternativeName',
  'KeyUsage',
  'ValidityUnit',
  'KeyStorageProvider',
  'HashAlgorithm',
  'CertificateStore',
]);

/** Numbers and booleans carry no one's name; shown for any attribute. */
const SCALAR = /^(?:-?\d{1,10}|true|false)$/i;
/** A bare vocabulary token, or a comma-separated list of them (flags such as KeyUsage). */
const TOKENS = /^[A-Za-z][A-Za-z0-9_-]{0,63}(?:,\s*[A-Za-z][A-Za-z0-9_-]{0,63})*$/;
/** `Platform/iOS_All`, `Windows/All_Windows_10_and_higher_Clients`: platform rule ids. */
const RULE_ID = /^[A-Za-z0-9_.]{1,64}\/[A-Za-z0-9_.]{1,128}$/;
/** A setting's logical name: an identifier ConfigMgr generates or ships, never typed by a user. */
const SETTING_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
/** More distinct values than this is not an enumeration. */
const MAX_VALUES = 20;

export interface ProbeAttribute {
  /** How often the attribute occurs at this path. */
  count: number;
  distinct: number;
  /** The value set, when enum-like (see the file comment); otherwise absent. */
  values?: string[];
  /** Why the values are left out: `free text` or `too many values`. */
  withheld?: string;
}

export interface ProbeElement {
  count: number;
  /** How many carry text (certificates, payloads, titles): counted, never written. */
  withText: number;
  attributes: Record<string, ProbeAttribute>;
}

export interface ProbeGroup {
  /** Digests scanned. */
  digests: number;
  /** Digests that are not well-formed or are refused unread (DTD, size, depth). */
  unreadable: number;
  elements: Record<string, ProbeElement>;
  /** Setting logical names used in rules, with their data types and operators. */
  settings: Record<string, { count: number; dataTypes: string[]; operators: string[] }>;
  /** Where cm2intune's reader would not understand this site. */
  surprises: string[];
}

export interface ProbeReport {
  probe: 'cm2intune site probe';
  version: 1;
  siteCode: string;
  /** What is in the file and what is left out. */
  about: string;
  configurationItems: Record<string, ProbeGroup>;
  deploymentTypes: Record<string, ProbeGroup>;
}

interface Gather {
  digests: number;
  unreadable: number;
  elements: Map<string, { count: number; withText: number; attributes: Map<string, string[]> }>;
  settings: Map<string, { count: number; dataTypes: Set<string>; operators: Set<string> }>;
  surprises: Set<string>;
}

const empty = (): Gather => ({ digests: 0, unreadable: 0, elements: new Map(), settings: new Map(), surprises: new Set() });

/** Scans every digest of the model. Pure: reads the model, returns the report. */
export function probeSite(model: SiteModel): ProbeReport {
  const cis = new Map<string, Gather>();
  for (const ci of model.configurationItems) {
    const tree = parse(ci.digest);
    const key = `CIType_ID ${ci.ciTypeId}${tree ? ` ${shapeOf(tree)}` : ''}`;
    const g = cis.get(key) ?? empty();
    cis.set(key, g);
    scan(g, tree);
    if (tree) surprisesOf(g, tree);
  }
  const apps = new Map<string, Gather>();
  for (const dt of model.applications.flatMap((a) => a.deploymentTypes)) {
    const key = SETTING_NAME.test(dt.technology) ? dt.technology : '(unnamed technology)';
    const g = apps.get(key) ?? empty();
    apps.set(key, g);
    scan(g, parse(dt.digest));
  }
  return {
    probe: 'cm2intune site probe',
    version: 1,
    siteCode: model.siteCode,
    about:
      'Digest element paths, attribute names and the value sets of enum-like attributes, per CI type and app deployment technology. Element text and free-text attribute values (names, UPNs, SSIDs, URLs, hosts, certificates, descriptions) are left out: only their counts are given.',
    configurationItems: finishAll(cis),
    deploymentTypes: finishAll(apps),
  };
}

function parse(digest: string): XmlNode | undefined {
  try {
    return parseDigestXml(digest);
  } catch (error) {
    if (error instanceof DigestError) return undefined;
    throw error;
  }
}

/** `ConfigurationPolicy/WifiProfile`: the CI element and, for profiles, the payload element. */
function shapeOf(tree: XmlNode): string {
  const root = elements(tree)[0]?.[1];
  const [element, node] = elements(root).find(([name]) => name !== 'Annotation') ?? ['(none)', undefined];
  const payload = elements(elements(node).find(([name]) => name === 'Settings')?.[1])[0]?.[0];
  return payload ? `${element}/${payload}` : element;
}

function scan(g: Gather, tree: XmlNode | undefined): void {
  g.digests++;
  if (!tree) {
    g.unreadable++;
    return;
  }
  const walk = (node: XmlNode, path: string) => {
    const e = g.elements.get(path) ?? { count: 0, withText: 0, attributes: new Map<string, string[]>() };
    g.elements.set(path, e);
    e.count++;
    if (text(node).trim()) e.withText++;
    for (const [name, value] of attributes(node)) e.attributes.set(name, [...(e.attributes.get(name) ?? []), value]);
    const operands = elements(node).find(([n]) => n === 'Operands')?.[1];
    const operator = text(elements(node).find(([n]) => n === 'Operator')?.[1]);
    for (const [name, ref] of elements(operands)) if (name === 'SettingReference') setting(g, ref, operator);
    for (const [name, childNode] of elements(node)) walk(childNode, `${path}/${name}`);
  };
  for (const [name, node] of elements(tree)) walk(node, name);
}

/** A rule's setting reference: its logical name, data type and the operator of its expression. */
function setting(g: Gather, ref: XmlNode, operator: string): void {
  const name = attributes(ref).find(([n]) => n === 'SettingLogicalName')?.[1];
  if (!name || !SETTING_NAME.test(name)) return;
  const s = g.settings.get(name) ?? { count: 0, dataTypes: new Set<string>(), operators: new Set<string>() };
  g.settings.set(name, s);
  s.count++;
  const dataType = attributes(ref).find(([n]) => n === 'DataType')?.[1];
  if (dataType && TOKENS.test(dataType)) s.dataTypes.add(dataType);
  if (operator && TOKENS.test(operator)) s.operators.add(operator);
}

/** Where the reader's assumptions fail: names it doesn't know (names only, never values). */
function surprisesOf(g: Gather, tree: XmlNode): void {
  const root = elements(tree)[0]?.[1];
  for (const [element, node] of elements(root)) {
    const settings = elements(node).find(([n]) => n === 'Settings')?.[1];
    for (const [payload, p] of elements(settings)) {
      const known = (PAYLOAD_SETTINGS as Record<string, readonly string[] | undefined>)[PAYLOAD_KINDS[payload] ?? ''];
      if (!known) continue;
      for (const [name] of [...attributes(p), ...elements(p)])
        if (!known.includes(name)) g.surprises.add(`${element}/${payload}: cm2intune does not read '${name}'`);
    }
    const walkRules = (n: XmlNode) => {
      for (const [name, c] of elements(n)) {
        if (name === 'SettingReference') {
          const s = attributes(c).find(([a]) => a === 'SettingLogicalName')?.[1] ?? '';
          if (SETTING_NAME.test(s) && !s.startsWith(KIOSK_PREFIX) && !catalogEntry(s))
            g.surprises.add(`${element}: setting '${s}' is not in cm2intune's catalogue`);
        }
        if (name === 'Operator' && !/^(equals|oneof|and)$/i.test(text(c)) && TOKENS.test(text(c)))
          g.surprises.add(`${element}: rules use operator '${text(c)}', which cm2intune can't carry to Intune`);
        if (name === 'RuleExpression') {
          const id = attributes(c).find(([a]) => a === 'RuleId')?.[1] ?? '';
          if (RULE_ID.test(id) && !platformOfRule(id) && !untargetablePlatform(id))
            g.surprises.add(`${element}: platform rule '${id}' is not one cm2intune recognises`);
        }
        walkRules(c);
      }
    };
    walkRules(node);
  }
}

const PAYLOAD_KINDS: Record<string, string> = {
  TrustedRootCertificate: 'trustedRoot',
  ScepCertificate: 'scep',
  PfxCertificate: 'pfx',
  WifiProfile: 'wifi',
  VpnProfile: 'vpn',
  EmailProfile: 'email',
};

function finishAll(groups: Map<string, Gather>): Record<string, ProbeGroup> {
  const out: Record<string, ProbeGroup> = {};
  for (const [key, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = {
      digests: g.digests,
      unreadable: g.unreadable,
      elements: Object.fromEntries(
        [...g.elements].map(([path, e]) => [
          path,
          {
            count: e.count,
            withText: e.withText,
            attributes: Object.fromEntries(
              [...e.attributes].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => [name, describe(name, values)]),
            ),
          },
        ]),
      ),
      settings: Object.fromEntries(
        [...g.settings]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => [name, { count: s.count, dataTypes: [...s.dataTypes].sort(), operators: [...s.operators].sort() }]),
      ),
      surprises: [...g.surprises].sort(),
    };
  }
  return out;
}

/** An attribute's values: written only when they are enum-like (see the file comment). */
export function describe(name: string, values: string[]): ProbeAttribute {
  const distinct = [...new Set(values)].sort();
  const base = { count: values.length, distinct: distinct.length };
  const enumLike =
    distinct.every((v) => SCALAR.test(v)) ||
    (ENUM_ATTRIBUTES.has(name) && distinct.every((v) => TOKENS.test(v))) ||
    (name === 'RuleId' && distinct.every((v) => RULE_ID.test(v))) ||
    (name === 'SettingLogicalName' && distinct.every((v) => SETTING_NAME.test(v)));
  if (!enumLike) return { ...base, withheld: 'free text' };
  if (distinct.length > MAX_VALUES && name !== 'SettingLogicalName') return { ...base, withheld: 'too many values' };
  return { ...base, values: distinct };
}
