// What the extension loads on first use, not at activation: opening a session (the site over
// mssql, the tenant through the Graph client) and the phases. esbuild.mjs builds it as its own
// file, dist/extension-core.js; the rest of the extension reaches it only by `await import('./core')`
// (types may be imported directly: they leave nothing in the bundle).
export { openSession } from '../core/session';
export {
  executeImport,
  proposeImport,
  readImportPicture,
  analyseImport,
  missingPlanGroups,
  readImportSources,
  withPlanGroups,
} from '../core/phases/import';
export { readIntuneObject } from '../core/tenant/read';
export { readPrepareSources, assessReadiness, readinessToText, executeFixes } from '../core/phases/prepare';
export { readWave, recordWave, waveEvents, waveRunbookFor, waveStatus } from '../core/phases/waves-read';
export { renderPreflight, renderVerification, watchUntil, watchWave } from '../core/phases/waves';
export {
  authorityEvents,
  confirmAuthorityStep,
  readAuthorityGuide,
  readAuthoritySources,
  readAuthorityVerification,
  recordAuthorityVerification,
  runAuthorityPreflight,
} from '../core/phases/authority-read';
export {
  authorityPreflightToText,
  authorityVerificationToText,
  guideState,
  preflightAuthority,
  REMOVE_WARNING,
} from '../core/phases/authority';
export { readinessPerWave, phasesOverview, migrationStages } from '../core/phases/overview';
