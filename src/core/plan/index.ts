export { checkPlanText, loadPlanFile, PlanCheckCache, PlanReadError, type LoadedPlan } from './load';
export { PlanDocument, pointerToPath, pathToPointer } from './document';
export { placeName } from './schema';
export type * from './types';
