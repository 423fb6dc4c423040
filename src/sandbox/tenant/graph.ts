// The Graph resources the sandbox serves, over its in-memory state. One request in, one
// response out (or a thrown GraphError); HTTP, $batch, auth, throttling and faults live in
// server.ts, so a $batch inner request goes through exactly the same code as a plain one.
import { randomUUID } from 'node:crypto';
import graphTypesJson from './graph-types.json';
import {
  applySelect,
  badRequest,
  checkFilter,
  encodeSkipToken,
  GraphError,
  matches,
  parseQuery,
  unsupported,
  type FilterRules,
  type Query,
} from './odata';
import type { CollectionName, GraphObject, GraphVersion, SandboxState } from './types';

interface GraphTypeInfo {
  root: string;
  abstract: boolean;
  writable: string[];
  readOnly: string[];
  bindable: Record<string, boolean>;
  complex?: Record<string, string>;
}
const GRAPH_TYPES = graphTypesJson as unknown as Record<GraphVersion, Record<string, GraphTypeInfo>>;
/** Complex type -> its properties, per version (e.g. which `v…` flags an app's minimum OS takes). */
const GRAPH_COMPLEX = (graphTypesJson as unknown as { complex: Record<GraphVersion, Record<string, string[]>> }).complex;

export interface GraphRequest {
  method: string;
  version: GraphVersion;
  /** Path below the version, no leading slash, e.g. `deviceManagement/deviceConfigurations/abc`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}
export interface GraphResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type AssignKind = { action: 'assign'; bodyKey: string; type: string; returnsList: boolean } | { action: 'post'; type: string };

interface Resource {
  collection: CollectionName;
  path: string[];
  /** Graph type family of the objects (Intune resources), from graph-types.json. */
  family?: string;
  betaOnly?: boolean;
  assign?: AssignKind;
  filter: FilterRules;
  /** Directory resources: known properties ($select is checked against them). */
  known?: readonly string[];
  /** Properties returned without $select (Graph's default set for users). */
  defaults?: readonly string[];
  notFoundCode: string;
}

const INTUNE_FILTER: FilterRules = {
  displayName: ['eq', 'ne', 'startswith', 'contains'],
  description: ['eq', 'contains'],
  id: ['eq', 'in'],
  '@isof': ['isof'],
};
const USER_PROPS = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'jobTitle',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'businessPhones',
  'accountEnabled',
  'usageLocation',
  'assignedPlans',
  'assignedLicenses',
  'provisionedPlans',
  'licenseAssignmentStates',
  'onPremisesSecurityIdentifier',
  'onPremisesSamAccountName',
  'onPremisesUserPrincipalName',
  'onPremisesDomainName',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesDistinguishedName',
  'onPremisesLastSyncDateTime',
  'department',
  'companyName',
  'city',
  'country',
  'createdDateTime',
  'userType',
  'proxyAddresses',
  'employeeId',
  'otherMails',
] as const;
const USER_DEFAULTS = [
  'id',
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
];
const GROUP_WRITABLE = [
  'displayName',
  'description',
  'mailEnabled',
  'mailNickname',
  'securityEnabled',
  'groupTypes',
  'membershipRule',
  'membershipRuleProcessingState',
  'visibility',
  'isAssignableToRole',
  'classification',
  'preferredDataLocation',
  'preferredLanguage',
  'theme',
];
const GROUP_PROPS = [
  ...GROUP_WRITABLE,
  'id',
  'mail',
  'onPremisesSecurityIdentifier',
  'onPremisesSamAccountName',
  'onPremisesSyncEnabled',
  'onPremisesDomainName',
  'onPremisesNetBiosName',
  'onPremisesLastSyncDateTime',
  'onPremisesProvisioningErrors',
  'createdDateTime',
  'renewedDateTime',
  'proxyAddresses',
  'securityIdentifier',
  'expirationDateTime',
  'deletedDateTime',
  'assignedLicenses',
  'resourceProvisioningOptions',
  'resourceBehaviorOptions',
  'creationOptions',
];
const DIRECTORY_NOT_FOUND = 'Request_ResourceNotFound';

const RESOURCES: Resource[] = [
  {
    collection: 'deviceConfigurations',
    path: ['deviceManagement', 'deviceConfigurations'],
    family: 'deviceConfiguration',
    assign: { action: 'assign', bodyKey: 'assignments', type: 'deviceConfigurationAssignment', returnsList: true },
    filter: INTUNE_FILTER,
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'deviceCompliancePolicies',
    path: ['deviceManagement', 'deviceCompliancePolicies'],
    family: 'deviceCompliancePolicy',
    assign: { action: 'assign', bodyKey: 'assignments', type: 'deviceCompliancePolicyAssignment', returnsList: true },
    filter: INTUNE_FILTER,
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'mobileApps',
    path: ['deviceAppManagement', 'mobileApps'],
    family: 'mobileApp',
    assign: { action: 'assign', bodyKey: 'mobileAppAssignments', type: 'mobileAppAssignment', returnsList: false },
    filter: { ...INTUNE_FILTER, publisher: ['eq'] },
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'termsAndConditions',
    path: ['deviceManagement', 'termsAndConditions'],
    family: 'termsAndConditions',
    assign: { action: 'post', type: 'termsAndConditionsAssignment' },
    filter: INTUNE_FILTER,
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'managedDevices',
    path: ['deviceManagement', 'managedDevices'],
    filter: {
      userPrincipalName: ['eq', 'in'],
      userId: ['eq', 'in'],
      deviceName: ['eq', 'startswith'],
      operatingSystem: ['eq'],
      managementAgent: ['eq'],
      id: ['eq'],
    },
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'ndesConnectors',
    path: ['deviceManagement', 'ndesConnectors'],
    betaOnly: true,
    filter: { state: ['eq'] },
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'exchangeConnectors',
    path: ['deviceManagement', 'exchangeConnectors'],
    filter: { status: ['eq'] },
    notFoundCode: 'ResourceNotFound',
  },
  {
    collection: 'groups',
    path: ['groups'],
    filter: {
      onPremisesSecurityIdentifier: ['eq', 'in'],
      displayName: ['eq', 'in', 'startswith'],
      mailNickname: ['eq', 'startswith'],
      onPremisesSamAccountName: ['eq', 'startswith'],
      securityEnabled: ['eq'],
      onPremisesSyncEnabled: ['eq'],
      id: ['eq', 'in'],
    },
    known: GROUP_PROPS,
    notFoundCode: DIRECTORY_NOT_FOUND,
  },
  {
    collection: 'users',
    path: ['users'],
    filter: {
      userPrincipalName: ['eq', 'in', 'startswith'],
      onPremisesSecurityIdentifier: ['eq', 'in'],
      onPremisesSamAccountName: ['eq'],
      displayName: ['eq', 'startswith'],
      mail: ['eq', 'startswith'],
      usageLocation: ['eq'],
      accountEnabled: ['eq'],
      id: ['eq', 'in'],
    },
    known: USER_PROPS,
    defaults: USER_DEFAULTS,
    notFoundCode: DIRECTORY_NOT_FOUND,
  },
  // Phase 4 reads these (tenant-level objects the authority change concerns); nothing writes them.
  {
    collection: 'depOnboardingSettings',
    path: ['deviceManagement', 'depOnboardingSettings'],
    betaOnly: true,
    filter: {},
    notFoundCode: 'ResourceNotFound',
  },
  { collection: 'vppTokens', path: ['deviceAppManagement', 'vppTokens'], filter: {}, notFoundCode: 'ResourceNotFound' },
  {
    collection: 'deviceEnrollmentConfigurations',
    path: ['deviceManagement', 'deviceEnrollmentConfigurations'],
    filter: {},
    notFoundCode: 'ResourceNotFound',
  },
  { collection: 'organization', path: ['organization'], filter: {}, notFoundCode: DIRECTORY_NOT_FOUND },
  {
    collection: 'subscribedSkus',
    path: ['subscribedSkus'],
    filter: { skuPartNumber: ['eq'], skuId: ['eq'] },
    notFoundCode: DIRECTORY_NOT_FOUND,
  },
];

const ASSIGNMENT_KEYS: Record<string, { base: string[]; beta: string[] }> = {
  deviceConfigurationAssignment: { base: ['@odata.type', 'id', 'target'], beta: ['source', 'sourceId', 'intent'] },
  deviceCompliancePolicyAssignment: { base: ['@odata.type', 'id', 'target'], beta: ['source', 'sourceId'] },
  mobileAppAssignment: { base: ['@odata.type', 'id', 'intent', 'target', 'settings'], beta: ['source', 'sourceId'] },
  termsAndConditionsAssignment: { base: ['@odata.type', 'id', 'target'], beta: [] },
};
const TARGETS: Record<string, string[]> = {
  groupAssignmentTarget: ['groupId'],
  exclusionGroupAssignmentTarget: ['groupId'],
  allLicensedUsersAssignmentTarget: [],
  allDevicesAssignmentTarget: [],
  configurationManagerCollectionAssignmentTarget: ['collectionId'],
};
const TARGET_BETA_KEYS = ['deviceAndAppManagementAssignmentFilterId', 'deviceAndAppManagementAssignmentFilterType'];
const INTENTS = ['required', 'available', 'uninstall', 'availableWithoutEnrollment'];
const MAIL_NICKNAME = /^[\x21-\x7e]{1,64}$/;
const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]";:.<>,\s]/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown) => (typeof v === 'string' ? v : '').replace(/^#/, '').replace(/^microsoft\.graph\./, '');
const nowIso = () => new Date().toISOString();

/** Splits `a/b('x')/c` into [a, b, x, c] (Graph accepts both key forms). */
function segmentsOf(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/').filter(Boolean)) {
    const seg = decodeURIComponent(raw);
    const m = /^([^(]+)\('(.*)'\)$/.exec(seg);
    if (m) out.push(m[1], m[2].replace(/''/g, "'"));
    else out.push(seg);
  }
  return out;
}

/** The id at the end of an @odata.id / @odata.bind URL (`…/things/{id}` or `…/things('{id}')`). */
function idFromReference(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const m = /\/([A-Za-z]+)(?:\('([^']+)'\)|\/([^/?#()]+))\/?$/.exec(url);
  return m ? (m[2] ?? m[3]) : undefined;
}

export class GraphHandler {
  constructor(
    private readonly state: () => SandboxState,
    private readonly baseUrl: () => string,
  ) {}

  handle(req: GraphRequest): GraphResponse {
    const segs = segmentsOf(req.path);
    const match = RESOURCES.find((r) => r.path.every((p, i) => segs[i]?.toLowerCase() === p.toLowerCase()));
    if (!match)
      throw badRequest(
        `Resource not found for the segment '${segs.find((s, i) => !RESOURCES.some((r) => r.path[i]?.toLowerCase() === s.toLowerCase())) ?? segs[0] ?? ''}'.`,
      );
    if (match.betaOnly && req.version === 'v1.0')
      throw badRequest(`Resource not found for the segment '${match.path[match.path.length - 1]}'. (It exists in /beta only.)`);
    const rest = segs.slice(match.path.length);
    const m = req.method;
    const q = () => parseQuery(req.query);
    if (rest.length === 0) {
      if (m === 'GET') return this.list(req, match, this.visible(match, req.version), q());
      if (m === 'POST' && match.family) return this.createIntune(req, match);
      if (m === 'POST' && match.collection === 'groups') return this.createGroup(req);
      throw methodNotAllowed(m, req.path);
    }
    const obj = this.find(match, rest[0], req.version);
    const [, sub, third, fourth] = rest;
    if (rest.length === 1) {
      if (m === 'GET') return { status: 200, body: this.withContext(req, match, this.project(match, obj, q(), req.version), true) };
      if (m === 'PATCH' && match.family) return this.updateIntune(req, match, obj);
      if (m === 'PATCH' && match.collection === 'groups') return this.updateGroup(req, obj);
      if (m === 'PATCH' && match.collection === 'users') return this.updateUser(req, obj);
      if (m === 'DELETE' && (match.family || match.collection === 'groups')) return this.remove(match, obj);
      throw methodNotAllowed(m, req.path);
    }
    if (match.assign) {
      if (sub === 'assign' && rest.length === 2 && match.assign.action === 'assign') {
        if (m !== 'POST') throw methodNotAllowed(m, req.path);
        return this.assign(req, match, obj);
      }
      if (sub === 'assignments' && rest.length === 2) {
        if (m === 'GET')
          return this.list(req, match, this.state().assignments[obj.id] ?? [], q(), `${match.path.join('/')}/${obj.id}/assignments`);
        if (m === 'POST' && match.assign.action === 'post') return this.postAssignment(req, match, obj);
        throw methodNotAllowed(m, req.path);
      }
      if (sub === 'assignments' && rest.length === 3) {
        const list = this.state().assignments[obj.id] ?? [];
        const a = list.find((x) => x.id === third);
        if (!a) throw new GraphError(404, 'ResourceNotFound', `Assignment '${third}' of ${match.collection} '${obj.id}' was not found.`);
        if (m === 'GET') return { status: 200, body: a };
        if (m === 'DELETE') {
          this.state().assignments[obj.id] = list.filter((x) => x !== a);
          return { status: 204 };
        }
        throw methodNotAllowed(m, req.path);
      }
    }
    if (match.collection === 'deviceCompliancePolicies' && sub === 'scheduleActionsForRules' && rest.length === 2 && m === 'POST') {
      const body = req.body;
      if (!isObject(body) || !Array.isArray(body.deviceComplianceScheduledActionForRules))
        throw badRequest('Body must be {"deviceComplianceScheduledActionForRules":[…]}.');
      checkBlockAction(body.deviceComplianceScheduledActionForRules);
      this.state().scheduledActions[obj.id] = structuredClone(body.deviceComplianceScheduledActionForRules);
      return { status: 204 };
    }
    if (match.collection === 'groups' && sub === 'members') {
      if (rest.length === 2 && m === 'GET')
        return this.list(req, match, this.members(obj).map(memberView), q(), `groups/${obj.id}/members`, true);
      if (rest.length === 3 && third === '$ref' && m === 'POST') return this.addMemberRef(req, obj);
      if (rest.length === 4 && fourth === '$ref' && m === 'DELETE') return this.removeMember(obj, third);
    }
    if (match.collection === 'users' && sub === 'assignLicense' && rest.length === 2) {
      if (m !== 'POST') throw methodNotAllowed(m, req.path);
      return this.assignLicense(req, obj);
    }
    if (match.collection === 'users' && sub === 'managedDevices' && rest.length === 2 && m === 'GET') {
      return this.list(
        req,
        RESOURCES.find((r) => r.collection === 'managedDevices')!,
        this.state().managedDevices.filter((d) => d.userId === obj.id),
        q(),
        `users/${obj.id}/managedDevices`,
      );
    }
    throw badRequest(`Resource not found for the segment '${rest.slice(1).join('/')}'.`);
  }

  // ---- reads ----

  /** Under v1.0, objects of beta-only types are not shown (the sandbox's reading of Graph). */
  private visible(res: Resource, version: GraphVersion): GraphObject[] {
    const all = this.state()[res.collection];
    if (!res.family || version === 'beta') return all;
    return all.filter((o) => !o['@odata.type'] || typeName(o['@odata.type']) in GRAPH_TYPES['v1.0']);
  }

  private find(res: Resource, key: string, version: GraphVersion): GraphObject {
    const found = this.visible(res, version).find(
      (o) =>
        o.id === key ||
        (res.collection === 'users' && typeof o.userPrincipalName === 'string' && o.userPrincipalName.toLowerCase() === key.toLowerCase()),
    );
    if (!found) {
      if (res.notFoundCode === DIRECTORY_NOT_FOUND)
        throw new GraphError(
          404,
          DIRECTORY_NOT_FOUND,
          `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
        );
      throw new GraphError(404, 'ResourceNotFound', `No ${res.collection} object with id '${key}' in this tenant.`);
    }
    return found;
  }

  private list(
    req: GraphRequest,
    res: Resource,
    items: GraphObject[],
    query: Query,
    contextPath = res.path.join('/'),
    plain = false,
  ): GraphResponse {
    let filtered = items;
    if (query.filter) {
      checkFilter(query.filter, res.filter, contextPath);
      filtered = items.filter((o) => matches(query.filter!, o));
    }
    const pageSize = query.top ?? 100;
    const page = filtered.slice(query.offset, query.offset + pageSize);
    const body: Record<string, unknown> = { '@odata.context': `${this.baseUrl()}/${req.version}/$metadata#${contextPath}` };
    if (query.count) body['@odata.count'] = filtered.length;
    body.value = page.map((o) => (plain ? applySelect(o, query.select, true) : this.project(res, o, query, req.version)));
    if (query.offset + pageSize < filtered.length) {
      const params = new URLSearchParams(req.query);
      params.delete('$skiptoken');
      params.set('$skiptoken', encodeSkipToken(query.offset + pageSize));
      body['@odata.nextLink'] = `${this.baseUrl()}/${req.version}/${req.path.replace(/^\/+/, '')}?${params.toString()}`;
    }
    return { status: 200, body };
  }

  private project(res: Resource, obj: GraphObject, query: Query, version: GraphVersion): Record<string, unknown> {
    if (query.select && res.known) {
      const unknown = query.select.find((s) => !res.known!.includes(s));
      if (unknown)
        throw badRequest(
          `Could not find a property named '${unknown}' on type 'microsoft.graph.${res.collection === 'users' ? 'user' : 'group'}'.`,
        );
    }
    let out: Record<string, unknown> = query.select
      ? applySelect(obj, query.select, !!res.family)
      : res.defaults
        ? applySelect(obj, [...res.defaults], false)
        : { ...obj };
    if (query.expand.length > 0) {
      out = { ...out };
      for (const { name } of query.expand) {
        if (name === 'assignments' && res.assign) out.assignments = this.state().assignments[obj.id] ?? [];
        else if (name === 'scheduledActionsForRule' && res.collection === 'deviceCompliancePolicies')
          out.scheduledActionsForRule = this.state().scheduledActions[obj.id] ?? [];
        else if (res.family === 'deviceConfiguration' && name in (GRAPH_TYPES[version][typeName(obj['@odata.type'])]?.bindable ?? {})) {
          const bound = this.state().bindings[obj.id]?.[name];
          const lookup = (id: string) => this.state().deviceConfigurations.find((c) => c.id === id) ?? null;
          out[name] = Array.isArray(bound) ? bound.map(lookup).filter(Boolean) : bound ? lookup(bound) : null;
        } else throw unsupported(`$expand=${name} on ${res.path.join('/')}`);
      }
    }
    return out;
  }

  private withContext(req: GraphRequest, res: Resource, body: Record<string, unknown>, entity: boolean): Record<string, unknown> {
    return { '@odata.context': `${this.baseUrl()}/${req.version}/$metadata#${res.path.join('/')}${entity ? '/$entity' : ''}`, ...body };
  }

  // ---- Intune objects ----

  private typeInfo(res: Resource, version: GraphVersion, raw: unknown): { name: string; info: GraphTypeInfo } {
    const name = typeName(raw);
    const info = GRAPH_TYPES[version][name];
    if (!info || info.root !== res.family) {
      const hint =
        version === 'v1.0' && GRAPH_TYPES.beta[name]?.root === res.family
          ? ` (microsoft.graph.${name} exists in /beta only: send it to /beta/${res.path.join('/')})`
          : '';
      throw badRequest(
        `A type named 'microsoft.graph.${name}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.${hint}`,
      );
    }
    return { name, info };
  }

  /** Checks an Intune create/update body against the type's documented properties. */
  private checkIntuneBody(req: GraphRequest, res: Resource, body: unknown, existing?: GraphObject) {
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
    let name: string;
    let info: GraphTypeInfo;
    if (existing) {
      if (body['@odata.type'] !== undefined && typeName(body['@odata.type']) !== typeName(existing['@odata.type'])) {
        throw badRequest(
          `The @odata.type ${JSON.stringify(body['@odata.type'])} does not match the object's type ${JSON.stringify(existing['@odata.type'])}: the type of an object cannot be changed.`,
        );
      }
      // Without @odata.type Graph reads a PATCH as the base type: derived properties are unknown.
      ({ name, info } = this.typeInfo(res, req.version, body['@odata.type'] ?? res.family));
    } else {
      if (body['@odata.type'] === undefined && GRAPH_TYPES[req.version][res.family!]?.abstract) {
        throw badRequest(
          `Cannot create an abstract class: the body needs "@odata.type" (e.g. "#microsoft.graph.ios…") for ${res.path.join('/')}.`,
        );
      }
      ({ name, info } = this.typeInfo(res, req.version, body['@odata.type'] ?? res.family));
      if (info.abstract)
        throw badRequest(`Cannot create an abstract class: 'microsoft.graph.${name}' is a base type; use one of its concrete types.`);
    }
    const props: Record<string, unknown> = {};
    const binds: Record<string, string | string[]> = {};
    let scheduled: unknown[] | undefined;
    for (const [key, value] of Object.entries(body)) {
      if (key === '@odata.type') continue;
      if (key.endsWith('@odata.bind')) {
        const nav = key.slice(0, -'@odata.bind'.length);
        if (!(nav in info.bindable))
          throw badRequest(
            `The navigation property '${nav}' does not exist on type 'microsoft.graph.${name}' and cannot be bound with "${key}".`,
          );
        const many = info.bindable[nav];
        if (many ? !Array.isArray(value) : typeof value !== 'string')
          throw badRequest(`"${key}" must be ${many ? 'an array of URLs' : 'one URL'} of device configurations.`);
        const ids = (many ? (value as unknown[]) : [value]).map((url) => {
          const id = idFromReference(url);
          const target = id && this.state().deviceConfigurations.find((c) => c.id === id);
          if (!target)
            throw badRequest(
              `The reference '${String(url)}' in "${key}" does not point to an existing device configuration in this tenant.`,
            );
          return id;
        });
        binds[nav] = many ? ids : ids[0];
        continue;
      }
      if (key === 'scheduledActionsForRule' && res.collection === 'deviceCompliancePolicies') {
        if (existing)
          throw badRequest(
            `The property 'scheduledActionsForRule' cannot be changed with PATCH: use POST …/deviceCompliancePolicies/{id}/scheduleActionsForRules.`,
          );
        if (!Array.isArray(value)) throw badRequest(`'scheduledActionsForRule' must be an array.`);
        scheduled = value;
        continue;
      }
      if (info.readOnly.includes(key))
        throw badRequest(`The property '${key}' is read-only on type 'microsoft.graph.${name}' and cannot be set by the client.`);
      if (!info.writable.includes(key))
        throw badRequest(
          `The property '${key}' does not exist on type 'microsoft.graph.${name}'. Make sure to only use property names that are defined by the type.`,
        );
      const complexType = info.complex?.[key];
      const complexProps = complexType ? GRAPH_COMPLEX[req.version][complexType] : undefined;
      if (complexProps && isObject(value) && value['@odata.type'] === undefined) {
        const unknown = Object.keys(value).find((k) => !complexProps.includes(k));
        if (unknown)
          throw badRequest(
            `The property '${unknown}' does not exist on type 'microsoft.graph.${complexType}'. Make sure to only use property names that are defined by the type.`,
          );
      }
      props[key] = value;
    }
    if (!existing && res.collection === 'deviceCompliancePolicies') checkBlockAction(scheduled ?? []);
    return { name, props, binds, scheduled };
  }

  private createIntune(req: GraphRequest, res: Resource): GraphResponse {
    const { name, props, binds, scheduled } = this.checkIntuneBody(req, res, req.body);
    const t = nowIso();
    const obj: GraphObject = {
      '@odata.type': `#microsoft.graph.${name}`,
      id: randomUUID(),
      ...props,
      createdDateTime: t,
      lastModifiedDateTime: t,
    };
    if (res.collection === 'deviceConfigurations' || res.collection === 'deviceCompliancePolicies') obj.version = 1;
    if (res.collection === 'termsAndConditions' && obj.version === undefined) obj.version = 1;
    if (res.collection === 'mobileApps') {
      obj.publishingState = /Lob|MSI|AppX|XAP/i.test(name) ? 'notPublished' : 'published';
      obj.isAssigned = false;
    }
    const state = this.state();
    state[res.collection].push(obj);
    if (Object.keys(binds).length) state.bindings[obj.id] = binds;
    if (scheduled) state.scheduledActions[obj.id] = structuredClone(scheduled);
    return { status: 201, body: this.withContext(req, res, obj, true) };
  }

  private updateIntune(req: GraphRequest, res: Resource, obj: GraphObject): GraphResponse {
    const { props, binds } = this.checkIntuneBody(req, res, req.body, obj);
    Object.assign(obj, props, { lastModifiedDateTime: nowIso() });
    if (typeof obj.version === 'number' && res.collection !== 'termsAndConditions') obj.version += 1;
    if (Object.keys(binds).length) this.state().bindings[obj.id] = { ...this.state().bindings[obj.id], ...binds };
    return { status: 204 };
  }

  private remove(res: Resource, obj: GraphObject): GraphResponse {
    const state = this.state();
    if (res.collection === 'groups' && obj.onPremisesSyncEnabled === true) throw onPremMastered();
    state[res.collection].splice(state[res.collection].indexOf(obj), 1);
    this.byId = undefined;
    delete state.assignments[obj.id];
    delete state.bindings[obj.id];
    delete state.scheduledActions[obj.id];
    delete state.groupMembers[obj.id];
    return { status: 204 };
  }

  private checkAssignment(req: GraphRequest, kind: AssignKind, raw: unknown, ownerId: string, index: number): GraphObject {
    const where = `assignment ${index + 1}`;
    if (!isObject(raw)) throw badRequest(`${where} must be an object.`);
    const keys = ASSIGNMENT_KEYS[kind.type];
    const allowed = req.version === 'beta' ? [...keys.base, ...keys.beta] : keys.base;
    for (const key of Object.keys(raw))
      if (!allowed.includes(key))
        throw badRequest(`The property '${key}' does not exist on type 'microsoft.graph.${kind.type}' (${where}).`);
    if (raw['@odata.type'] !== undefined && typeName(raw['@odata.type']) !== kind.type)
      throw badRequest(`${where}: "@odata.type" must be "#microsoft.graph.${kind.type}", not ${JSON.stringify(raw['@odata.type'])}.`);
    if (kind.type === 'mobileAppAssignment' && !INTENTS.includes(String(raw.intent)))
      throw badRequest(`${where}: "intent" must be one of ${INTENTS.join(', ')} (got ${JSON.stringify(raw.intent)}).`);
    const target = raw.target;
    if (!isObject(target)) throw badRequest(`${where}: "target" is required.`);
    const targetType = typeName(target['@odata.type']);
    const targetKeys = TARGETS[targetType];
    if (!targetKeys)
      throw badRequest(
        `${where}: target type '${String(target['@odata.type'])}' is not an assignment target (use #microsoft.graph.groupAssignmentTarget, exclusionGroupAssignmentTarget, allLicensedUsersAssignmentTarget or allDevicesAssignmentTarget).`,
      );
    const allowedTarget = ['@odata.type', ...targetKeys, ...(req.version === 'beta' ? TARGET_BETA_KEYS : [])];
    for (const key of Object.keys(target))
      if (!allowedTarget.includes(key))
        throw badRequest(`The property '${key}' does not exist on type 'microsoft.graph.${targetType}' (${where}).`);
    for (const key of targetKeys) if (typeof target[key] !== 'string' || !target[key]) throw badRequest(`${where}: target needs "${key}".`);
    if (targetKeys.includes('groupId') && !this.state().groups.some((g) => g.id === target.groupId)) {
      throw badRequest(`${where}: group '${String(target.groupId)}' does not exist in this tenant.`);
    }
    const suffix = typeof target.groupId === 'string' ? target.groupId : targetType;
    const a: GraphObject = {
      '@odata.type': `#microsoft.graph.${kind.type}`,
      ...structuredClone(raw),
      id: `${ownerId}_${kind.type === 'mobileAppAssignment' ? `${String(raw.intent)}_` : ''}${suffix}`,
    };
    return a;
  }

  private assign(req: GraphRequest, res: Resource, obj: GraphObject): GraphResponse {
    const kind = res.assign as Extract<AssignKind, { action: 'assign' }>;
    const body = req.body;
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
    for (const key of Object.keys(body))
      if (key !== kind.bodyKey)
        throw badRequest(
          `The parameter '${key}' in the request payload is not a valid parameter for the operation 'assign' (expected "${kind.bodyKey}").`,
        );
    if (!Array.isArray(body[kind.bodyKey])) throw badRequest(`"${kind.bodyKey}" must be an array.`);
    const list = (body[kind.bodyKey] as unknown[]).map((a, i) => this.checkAssignment(req, kind, a, obj.id, i));
    this.state().assignments[obj.id] = list;
    if (res.collection === 'mobileApps') obj.isAssigned = list.length > 0;
    return kind.returnsList
      ? {
          status: 200,
          body: { '@odata.context': `${this.baseUrl()}/${req.version}/$metadata#Collection(microsoft.graph.${kind.type})`, value: list },
        }
      : { status: 204 };
  }

  private postAssignment(req: GraphRequest, res: Resource, obj: GraphObject): GraphResponse {
    const existing = this.state().assignments[obj.id] ?? [];
    const a = this.checkAssignment(req, res.assign!, req.body, obj.id, existing.length);
    if (existing.some((x) => x.id === a.id)) a.id = `${a.id}_${randomUUID().slice(0, 8)}`;
    this.state().assignments[obj.id] = [...existing, a];
    return { status: 201, body: a };
  }

  // ---- groups ----

  private members(group: GraphObject): GraphObject[] {
    const ids = this.state().groupMembers[group.id] ?? [];
    return ids.map((id) => this.objectById(id)).filter((o): o is GraphObject => !!o);
  }

  /**
   * Users and groups by id (tenants of 10,000+ users: a find per member added took a second per
   * 10,000), rebuilt when a list was replaced or changed length; a removal through Graph drops it.
   */
  private byId?: { users: GraphObject[]; groups: GraphObject[]; size: number; map: Map<string, GraphObject> };
  private objectById(id: string): GraphObject | undefined {
    const { users, groups } = this.state();
    const cached = this.byId;
    if (!cached || cached.users !== users || cached.groups !== groups || cached.size !== users.length + groups.length) {
      const map = new Map<string, GraphObject>();
      for (const g of groups) map.set(g.id, g);
      for (const u of users) map.set(u.id, u);
      this.byId = { users, groups, size: users.length + groups.length, map };
    }
    return this.byId!.map.get(id);
  }

  private directoryObject(url: unknown, key: string): GraphObject {
    const id = idFromReference(url);
    if (!id)
      throw badRequest(
        `Invalid object identifier in "${key}": ${JSON.stringify(url)} (expected https://graph.microsoft.com/v1.0/directoryObjects/{id}).`,
      );
    const found = this.objectById(id);
    if (!found)
      throw new GraphError(
        404,
        DIRECTORY_NOT_FOUND,
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return found;
  }

  private addMembers(group: GraphObject, urls: unknown[], key: string): void {
    if (group.onPremisesSyncEnabled === true) throw onPremMastered();
    const current = (this.state().groupMembers[group.id] ??= []);
    const adding = urls.map((u) => this.directoryObject(u, key).id);
    // A Set: a group of 10,000 members is 500 additions, each checked against the whole list.
    const present = new Set(current);
    if (adding.some((id, i) => present.has(id) || adding.indexOf(id) !== i)) {
      throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
    }
    current.push(...adding);
  }

  private checkGroupProps(body: Record<string, unknown>, creating: boolean): Record<string, unknown> {
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'members@odata.bind' || key === 'owners@odata.bind' || key === '@odata.type') continue;
      if (GROUP_PROPS.includes(key) && !GROUP_WRITABLE.includes(key))
        throw badRequest(`The property '${key}' is read-only on type 'microsoft.graph.group' and cannot be set by the client.`);
      if (!GROUP_WRITABLE.includes(key))
        throw badRequest(
          `The property '${key}' does not exist on type 'microsoft.graph.group'. Make sure to only use property names that are defined by the type.`,
        );
      props[key] = value;
    }
    if (creating || 'mailNickname' in props) {
      const nick = props.mailNickname;
      if (typeof nick !== 'string' || !MAIL_NICKNAME.test(nick) || MAIL_NICKNAME_FORBIDDEN.test(nick)) {
        throw badRequest(
          `Invalid value specified for property 'mailNickname' of resource 'Group'. (${JSON.stringify(nick)}: 1–64 ASCII characters, none of @ ( ) \\ [ ] " ; : . < > , or space)`,
        );
      }
    }
    if (creating || 'displayName' in props) {
      if (typeof props.displayName !== 'string' || !props.displayName.trim())
        throw badRequest("Invalid value specified for property 'displayName' of resource 'Group'.");
    }
    return props;
  }

  private createGroup(req: GraphRequest): GraphResponse {
    const body = req.body;
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
    const props = this.checkGroupProps(body, true);
    for (const key of ['mailEnabled', 'securityEnabled'])
      if (typeof props[key] !== 'boolean') throw badRequest(`Property '${key}' is required (true or false) when creating a group.`);
    const groupTypes = (props.groupTypes ?? []) as unknown[];
    if (!Array.isArray(groupTypes)) throw badRequest("'groupTypes' must be an array.");
    if (props.mailEnabled === true && !groupTypes.includes('Unified'))
      throw badRequest(
        'Creating mail-enabled security groups or distribution groups is not supported through Graph: set mailEnabled to false.',
      );
    if (groupTypes.includes('DynamicMembership') && typeof props.membershipRule !== 'string')
      throw badRequest("A dynamic group needs 'membershipRule'.");
    const binds = body['members@odata.bind'];
    if (binds !== undefined && (!Array.isArray(binds) || binds.length > 20))
      throw badRequest("'members@odata.bind' must be an array of at most 20 references.");
    const group: GraphObject = {
      id: randomUUID(),
      createdDateTime: nowIso(),
      description: null,
      groupTypes: [],
      mail: null,
      onPremisesSecurityIdentifier: null,
      onPremisesSyncEnabled: null,
      onPremisesSamAccountName: null,
      securityIdentifier: `S-1-12-1-${Array.from({ length: 4 }, () => Math.floor(Math.random() * 4e9)).join('-')}`,
      visibility: null,
      ...props,
    };
    this.state().groupMembers[group.id] = [];
    if (Array.isArray(binds)) this.addMembers(group, binds, 'members@odata.bind');
    this.state().groups.push(group);
    return { status: 201, body: { '@odata.context': `${this.baseUrl()}/${req.version}/$metadata#groups/$entity`, ...group } };
  }

  private updateGroup(req: GraphRequest, group: GraphObject): GraphResponse {
    const body = req.body;
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
    if (group.onPremisesSyncEnabled === true) throw onPremMastered();
    const props = this.checkGroupProps(body, false);
    const binds = body['members@odata.bind'];
    if (binds !== undefined) {
      if (!Array.isArray(binds)) throw badRequest("'members@odata.bind' must be an array of directoryObjects URLs.");
      if (binds.length > 20)
        throw badRequest(`'members@odata.bind' has ${binds.length} references; a single request can add at most 20 members.`);
      this.addMembers(group, binds, 'members@odata.bind');
    }
    Object.assign(group, props);
    return { status: 204 };
  }

  // ---- users: usage location and licences (docs/sandbox.md) ----

  /** Only `usageLocation` (and `accountEnabled`) are writable here: a synced user's other properties are mastered on premises. */
  private updateUser(req: GraphRequest, user: GraphObject): GraphResponse {
    const body = req.body;
    if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
    for (const [key, value] of Object.entries(body)) {
      if (key === 'usageLocation') {
        if (value !== null && (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value)))
          throw badRequest(
            `Invalid value specified for property 'usageLocation' of resource 'User'. (${JSON.stringify(value)}: a two-letter ISO 3166 country code such as "US")`,
          );
      } else if (key === 'accountEnabled') {
        if (typeof value !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
      } else if (user.onPremisesSyncEnabled === true && USER_PROPS.includes(key as (typeof USER_PROPS)[number])) {
        throw onPremMastered();
      } else {
        throw badRequest(`The sandbox tenant lets PATCH /users change only 'usageLocation' and 'accountEnabled' (not '${key}').`);
      }
    }
    Object.assign(user, body);
    return { status: 204 };
  }

  /**
   * The service's rules as public sources describe them (domain.md H.3.2): both arrays required,
   * a usage location first, seats counted per SKU; the unknown-SKU message is the sandbox's own.
   */
  private assignLicense(req: GraphRequest, user: GraphObject): GraphResponse {
    const body = req.body;
    const missing = ['addLicenses', 'removeLicenses'].filter((k) => !isObject(body) || !Array.isArray(body[k]));
    if (missing.length)
      throw badRequest(
        `One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: ${missing.join(', ')}.`,
      );
    const { addLicenses, removeLicenses } = body as { addLicenses: unknown[]; removeLicenses: unknown[] };
    const skus = this.state().subscribedSkus;
    const skuOf = (id: unknown) => skus.find((s) => String(s.skuId).toLowerCase() === String(id).toLowerCase());
    const assigned = structuredClone((user.assignedLicenses ?? []) as { skuId: string; disabledPlans: string[] }[]);
    const adds = addLicenses.map((a) => {
      if (!isObject(a) || typeof a.skuId !== 'string')
        throw badRequest('Each entry of addLicenses is {"skuId":"<guid>","disabledPlans":[]}.');
      const sku = skuOf(a.skuId);
      if (!sku) throw badRequest(`License ${a.skuId} does not correspond to a valid company License.`);
      const disabled = Array.isArray(a.disabledPlans) ? a.disabledPlans.map(String) : [];
      const plans = (sku.servicePlans ?? []) as { servicePlanId: string }[];
      const unknownPlan = disabled.find((d) => !plans.some((p) => p.servicePlanId.toLowerCase() === d.toLowerCase()));
      if (unknownPlan) throw badRequest(`Service plan ${unknownPlan} is not part of license ${String(sku.skuId)}.`);
      return { sku, disabled };
    });
    const removes = removeLicenses.map((r) => {
      const sku = skuOf(r);
      if (!sku) throw badRequest(`License ${String(r)} does not correspond to a valid company License.`);
      if (!assigned.some((l) => l.skuId.toLowerCase() === String(sku.skuId).toLowerCase()))
        throw badRequest(`User does not have a corresponding license ${String(sku.skuId)} to remove.`);
      return sku;
    });
    if (adds.length && !user.usageLocation) throw badRequest('License assignment cannot be done for user with invalid usage location.');
    for (const { sku } of adds) {
      const has = assigned.some((l) => l.skuId.toLowerCase() === String(sku.skuId).toLowerCase());
      const seats = (sku.prepaidUnits as { enabled?: number } | undefined)?.enabled ?? 0;
      if (!has && Number(sku.consumedUnits ?? 0) >= seats)
        throw badRequest(`Subscription with SKU ${String(sku.skuId)} does not have any available licenses.`);
    }
    // Checked: apply. Plans of added SKUs become Enabled; plans only a removed SKU gave become Deleted (as Entra ID shows them).
    const plans = structuredClone(
      (user.assignedPlans ?? []) as { assignedDateTime: string; capabilityStatus: string; service: string; servicePlanId: string }[],
    );
    const setPlan = (id: string, status: string, service: string) => {
      const p = plans.find((x) => x.servicePlanId.toLowerCase() === id.toLowerCase());
      if (p) Object.assign(p, { capabilityStatus: status, assignedDateTime: nowIso() });
      else if (status === 'Enabled') plans.push({ assignedDateTime: nowIso(), capabilityStatus: status, service, servicePlanId: id });
    };
    for (const sku of removes) {
      const i = assigned.findIndex((l) => l.skuId.toLowerCase() === String(sku.skuId).toLowerCase());
      assigned.splice(i, 1);
      sku.consumedUnits = Math.max(0, Number(sku.consumedUnits ?? 0) - 1);
    }
    const stillGiven = (planId: string) =>
      assigned.some((l) => {
        const sku = skuOf(l.skuId);
        return (
          ((sku?.servicePlans ?? []) as { servicePlanId: string }[]).some((p) => p.servicePlanId === planId) &&
          !l.disabledPlans.includes(planId)
        );
      });
    for (const sku of removes)
      for (const p of (sku.servicePlans ?? []) as { servicePlanId: string; servicePlanName: string }[])
        if (!stillGiven(p.servicePlanId)) setPlan(p.servicePlanId, 'Deleted', serviceOf(p.servicePlanName));
    for (const { sku, disabled } of adds) {
      const existing = assigned.find((l) => l.skuId.toLowerCase() === String(sku.skuId).toLowerCase());
      if (existing) existing.disabledPlans = disabled;
      else {
        assigned.push({ skuId: String(sku.skuId), disabledPlans: disabled });
        sku.consumedUnits = Number(sku.consumedUnits ?? 0) + 1;
      }
      for (const p of (sku.servicePlans ?? []) as { servicePlanId: string; servicePlanName: string }[]) {
        if (disabled.some((d) => d.toLowerCase() === p.servicePlanId.toLowerCase())) {
          if (!stillGiven(p.servicePlanId)) setPlan(p.servicePlanId, 'Deleted', serviceOf(p.servicePlanName));
        } else setPlan(p.servicePlanId, 'Enabled', serviceOf(p.servicePlanName));
      }
    }
    user.assignedLicenses = assigned;
    user.assignedPlans = plans;
    const res = RESOURCES.find((r) => r.collection === 'users')!;
    return { status: 200, body: this.withContext(req, res, this.project(res, user, parseQuery(new URLSearchParams()), req.version), true) };
  }

  private addMemberRef(req: GraphRequest, group: GraphObject): GraphResponse {
    const body = req.body;
    if (!isObject(body) || typeof body['@odata.id'] !== 'string')
      throw badRequest('Body must be {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}.');
    for (const key of Object.keys(body)) if (key !== '@odata.id') throw badRequest(`The property '${key}' is not allowed in a $ref body.`);
    this.addMembers(group, [body['@odata.id']], '@odata.id');
    return { status: 204 };
  }

  private removeMember(group: GraphObject, memberId: string): GraphResponse {
    if (group.onPremisesSyncEnabled === true) throw onPremMastered();
    const current = this.state().groupMembers[group.id] ?? [];
    if (!current.includes(memberId))
      throw new GraphError(
        404,
        DIRECTORY_NOT_FOUND,
        `Resource '${memberId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    this.state().groupMembers[group.id] = current.filter((id) => id !== memberId);
    return { status: 204 };
  }
}

/** The `service` an assigned plan names (Intune's plans are "SCO"). */
function serviceOf(planName: string): string {
  return /^INTUNE/.test(planName)
    ? 'SCO'
    : /^EXCHANGE/.test(planName)
      ? 'exchange'
      : /^AAD/.test(planName)
        ? 'AADPremiumService'
        : planName;
}

function memberView(o: GraphObject): GraphObject {
  const isUser = 'userPrincipalName' in o;
  const view = isUser
    ? {
        id: o.id,
        displayName: o.displayName,
        userPrincipalName: o.userPrincipalName,
        mail: o.mail ?? null,
        onPremisesSecurityIdentifier: o.onPremisesSecurityIdentifier ?? null,
      }
    : { id: o.id, displayName: o.displayName, onPremisesSecurityIdentifier: o.onPremisesSecurityIdentifier ?? null };
  return { '@odata.type': isUser ? '#microsoft.graph.user' : '#microsoft.graph.group', ...view };
}

function checkBlockAction(rules: unknown[]): void {
  let blocks = 0;
  for (const rule of rules) {
    const configs = isObject(rule) && Array.isArray(rule.scheduledActionConfigurations) ? rule.scheduledActionConfigurations : [];
    for (const c of configs) if (isObject(c) && c.actionType === 'block') blocks++;
  }
  if (blocks !== 1) throw badRequest('Compliance policy must have one and only one block scheduled action');
}

function onPremMastered(): GraphError {
  return badRequest(
    'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
  );
}

function methodNotAllowed(method: string, path: string): GraphError {
  return new GraphError(
    405,
    'Request_BadRequest',
    `The method ${method} is not supported on /${path} by Graph (or not by the sandbox tenant).`,
  );
}
