// The migration picture: pairing ConfigMgr <-> Intune, group mapping, selection findings.
export * from './types';
export { buildPicture } from './picture';
export {
  mapCollections,
  memberCandidates,
  candidatesByCollection,
  deployedCollectionIds,
  singleAdGroup,
  CREATED_GROUP_PREFIX,
} from './groups';
export {
  compareMembers,
  describeDifference,
  effectiveUsers,
  groupDifference,
  inTenant,
  memberRef,
  membersDiffer,
  userKey,
} from './membership';
export type { MemberRef, MembershipDifference, TenantMember } from './membership';
export { selectionSubject, describe as describeObject, KIND_LABELS, STATE_LABELS, unknownSelectionIds } from './selection';
