// Safe reading of digest XML. Digests come from a database we do not control: a DOCTYPE or an
// ENTITY declaration is refused outright (nothing is ever read from disk or network), and the
// parser's own entity processing is off; only the five predefined entities and numeric
// character references are decoded, by hand.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export class DigestError extends Error {}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

// Elements that may repeat: always arrays, so one occurrence reads like many.
const REPEATED = new Set([
  'Rule',
  'SimpleSetting',
  'RuleExpression',
  'Server',
  'ScepServer',
  'ExtendedKeyUsage',
  'TrustedServerName',
  'RootCertificate',
  'OmaUri',
  'Arg',
  'Content',
  'DeploymentType',
  'Info',
  'ConstantValue',
  'SettingReference',
  'OperatingSystemReference',
  'File',
]);

/** Nesting depth a digest may have: ConfigMgr's digests nest about 12 deep. */
export const DIGEST_DEPTH_LIMIT = 100;
/**
 * Characters one digest may have. Hybrid-MDM digests are a few KB (an embedded Apple profile or
 * certificate some hundred KB); beyond this the digest is refused unread, so one absurd object
 * costs bounded time and memory.
 */
export const DIGEST_SIZE_LIMIT = 8 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  maxNestedTags: DIGEST_DEPTH_LIMIT,
  textNodeName: '#text',
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && REPEATED.has(name),
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
});

/** Parses a digest; throws DigestError with a message fit for `problems`. */
export function parseDigestXml(xml: string): XmlNode {
  if (xml.length > DIGEST_SIZE_LIMIT) {
    throw new DigestError(
      `the digest is ${(xml.length / 1048576).toFixed(1)} M characters, over the ${DIGEST_SIZE_LIMIT / 1048576} M a digest may have (ConfigMgr's are a few KB); refused unread`,
    );
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new DigestError(
      'the digest declares a DTD or entities (<!DOCTYPE>/<!ENTITY>), which a ConfigMgr digest never needs; refused unread (possible XXE attempt)',
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new DigestError(`the digest is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  }
  try {
    return parser.parse(xml) as XmlNode;
  } catch (error) {
    // Whatever the parser refuses is this digest's problem, not the whole site read's.
    if (/nested tags/i.test((error as Error).message)) {
      throw new DigestError(
        `the digest nests elements ${nestingDepth(xml)} deep, deeper than the ${DIGEST_DEPTH_LIMIT} cm2intune reads (ConfigMgr's nest about 12); refused`,
      );
    }
    throw new DigestError(`the digest could not be parsed (${(error as Error).message})`);
  }
}

/**
 * Deepest element nesting of well-formed XML, in one pass: `<x` opens, `</` and `/>` close;
 * comments, CDATA, processing instructions and quoted attribute values are skipped.
 */
export function nestingDepth(xml: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = xml.indexOf('<'); i !== -1 && i < xml.length; i = xml.indexOf('<', i)) {
    const next = xml[i + 1];
    if (next === '!') {
      const close = xml.startsWith('<!--', i)
        ? xml.indexOf('-->', i + 4)
        : xml.startsWith('<![CDATA[', i)
          ? xml.indexOf(']]>', i + 9)
          : xml.indexOf('>', i);
      if (close === -1) break;
      i = close + 1;
    } else if (next === '?') {
      const close = xml.indexOf('?>', i + 2);
      if (close === -1) break;
      i = close + 2;
    } else if (next === '/') {
      depth--;
      i += 2;
    } else {
      let j = i + 1;
      let quote = '';
      for (; j < xml.length; j++) {
        const c = xml[j];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      if (xml[j - 1] !== '/') deepest = Math.max(deepest, ++depth);
      i = j + 1;
    }
  }
  return deepest;
}

// Small accessors over the parsed tree.
export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = node[name];
  if (Array.isArray(value)) return value[0] as XmlNode | undefined;
  return typeof value === 'object' ? value : typeof value === 'string' ? { '#text': value } : undefined;
}

export function children(node: XmlValue | undefined, name: string): XmlNode[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const value = node[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (typeof v === 'string' ? { '#text': v } : (v as XmlNode)));
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function text(node: XmlValue | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return text(node[0]);
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}

/** Attributes of a node (xmlns declarations are dropped by the parser), names without `@`. */
export function attributes(node: XmlNode | undefined): [string, string][] {
  if (!node) return [];
  return Object.entries(node)
    .filter((e): e is [string, string] => e[0].startsWith('@') && typeof e[1] === 'string')
    .map(([k, v]) => [k.slice(1), v]);
}

/** Element children of a node (attributes and text left out), with their local names. */
export function elements(node: XmlNode | undefined): [string, XmlNode][] {
  if (!node) return [];
  const out: [string, XmlNode][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || key === '#text') continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([key, typeof v === 'string' ? { '#text': v } : (v as XmlNode)]);
  }
  return out;
}

/**
 * The namespace of the root element, read from its start tag (the parser drops xmlns
 * attributes when it strips prefixes). Undefined when the root declares none.
 */
export function rootNamespace(xml: string): string | undefined {
  const start = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)(\s[^>]*)?>/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (!start) return undefined;
  const prefix = start[1].includes(':') ? start[1].split(':')[0] : '';
  const attrs = start[2] ?? '';
  const re = new RegExp(`\\bxmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*("([^"]*)"|'([^']*)')`);
  const m = re.exec(attrs);
  return m ? (m[2] ?? m[3]) : undefined;
}
