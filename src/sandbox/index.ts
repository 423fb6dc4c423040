// The sandbox world's surface for the faces (CLI, extension) and the demo. Faces load this module
// only when a plan names the sandbox (dynamic import), so it never sits on the activation path
// and the core never imports it.
import type { SandboxStarter } from '../core/session';
import { startSandboxTenant } from './tenant';

export { startSandboxTenant } from './tenant';

/** Starts the sandbox tenant for a plan, its state kept where the core says (beside the plan). */
export const startSandboxForPlan: SandboxStarter = async ({ persistPath }) => {
  const tenant = await startSandboxTenant({ persistPath });
  return { url: tenant.url, close: () => tenant.close() };
};
