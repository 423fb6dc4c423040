// Validates a plan against schemas/migration-plan.schema.json (the same file VS Code's JSON
// service uses) and turns ajv's errors into findings a ConfigMgr admin can act on.
import type Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import schema from '../../../schemas/migration-plan.schema.json';
import type { Finding } from '../findings';
import { pointerToPath, type PlanDocument } from './document';

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(value: unknown) {
  // ajv is required on the first check, not when this module loads: setting ajv up is the
  // largest part of loading the extension, and activation should not pay it (docs/architecture.md).
  validator ??= new (require('ajv') as { default: typeof Ajv }).default({ allErrors: true, strict: false, verbose: true }).compile(schema);
  return validator(value) ? [] : (validator.errors ?? []);
}

/** `waves[1].users[0]` for `/waves/1/users/0`: how an admin reads a place in the plan. */
export function placeName(pointer: string): string {
  if (pointer === '') return 'the plan';
  return pointerToPath(pointer).reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part),
    '',
  );
}

export function schemaFindings(value: unknown, doc: PlanDocument): Finding[] {
  const all = validate(value);
  // A wrong discriminator (`type`, `source`) makes the then/else branch complain about the rest
  // of its object; the enum error on the discriminator is the one worth reading.
  const badDiscriminator = new Set(
    all.filter((e) => e.keyword === 'enum' && /\/(type|source)$/.test(e.instancePath)).map((e) => e.instancePath.replace(/\/[^/]+$/, '')),
  );
  const enumAt = new Set(all.filter((e) => e.keyword === 'enum').map((e) => e.instancePath));
  const errors = all.filter(
    (e) =>
      !isNoise(e) &&
      !(e.keyword === 'const' && enumAt.has(e.instancePath)) &&
      !(badDiscriminator.has(e.instancePath) && /\/(then|else)\//.test(e.schemaPath)),
  );
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const finding = toFinding(error, doc);
    const key = `${finding.pointer}|${finding.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings;
}

// `if` and the inner errors of propertyNames/oneOf repeat what another error says better.
function isNoise(e: ErrorObject): boolean {
  if (e.keyword === 'if') return true;
  if (e.keyword !== 'propertyNames' && e.propertyName !== undefined) return true;
  return /\/oneOf\/\d+\//.test(e.schemaPath);
}

function toFinding(e: ErrorObject, doc: PlanDocument): Finding {
  const pointer = e.instancePath;
  const where = placeName(pointer);
  const params = e.params as Record<string, unknown>;
  const schemaOf = e.parentSchema as { patternErrorMessage?: string } | undefined;
  const at = (message: string, key?: string): Finding => ({
    severity: 'error',
    code: `schema/${e.keyword}`,
    message,
    pointer: key === undefined ? pointer : `${pointer}/${key}`,
    range: doc.rangeAt(pointer, key === undefined ? {} : { key }),
  });

  switch (e.keyword) {
    case 'required':
      return at(`${where} is missing '${params.missingProperty}': add it.`);
    case 'additionalProperties':
    case 'propertyNames': {
      const key = String(params.additionalProperty ?? params.propertyName);
      if (e.keyword === 'propertyNames' && pointer === '/groups/map') {
        return at(`'${key}' in groups.map is not a ConfigMgr collection ID: use the site code and five hex digits, like "P0100014".`, key);
      }
      const allowed = allowedKeys(e);
      return at(
        `${where} has an unknown property '${key}': remove it or check its spelling${allowed ? ` (allowed: ${allowed})` : ''}.`,
        key,
      );
    }
    case 'enum':
      return at(
        `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; found ${JSON.stringify(e.data)}.`,
      );
    case 'const':
      return at(`${where} must be ${JSON.stringify(params.allowedValue)}; found ${JSON.stringify(e.data)}.`);
    case 'type':
      return at(`${where} must be ${article(String(params.type))}; found ${describe(e.data)}.`);
    case 'pattern':
    case 'format':
      // patternErrorMessage: the same hint VS Code's JSON service shows for the pattern.
      return at(`${where} ${JSON.stringify(e.data)} is not valid. ${schemaOf?.patternErrorMessage ?? 'See the schema for the format.'}`);
    case 'minLength':
    case 'minItems':
      return at(`${where} must not be empty.`);
    case 'uniqueItems':
      return at(`${where} lists the same entry twice (items ${params.j} and ${params.i}): remove one.`);
    case 'minimum':
    case 'maximum':
      return at(`${where} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${params.limit}; found ${JSON.stringify(e.data)}.`);
    case 'oneOf':
      return at(`${where} must be a group's display name (a string) or { "id": "<group object id>" }.`);
    default:
      return at(`${where} ${e.message ?? 'is not valid'}.`);
  }
}

function allowedKeys(e: ErrorObject): string {
  const properties = (e.parentSchema as { properties?: Record<string, unknown>; propertyNames?: { enum?: string[] } })?.properties;
  const names = properties ? Object.keys(properties) : [];
  return names.filter((n) => n !== '$schema').join(', ');
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}
