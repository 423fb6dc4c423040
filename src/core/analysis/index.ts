// The migration picture: pairing ConfigMgr <-> Intune, group mapping, selection findings.
export * from './types';
export { buildPicture } from './picture';
export { mapCollections, singleAdGroup, CREATED_GROUP_PREFIX } from './groups';
export { selectionSubject, describe as describeObject, KIND_LABELS, STATE_LABELS, unknownSelectionIds } from './selection';
