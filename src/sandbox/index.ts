// The sandbox world's surface for the faces (CLI, extension) and the demo. Faces load this module
// only when a plan names the sandbox (dynamic import), so it never sits on the activation path;
// the core never imports it, and it imports nothing of the product (its shapes match the core's
// SandboxStarter structurally).
import { startSandboxTenant } from './tenant';

export { startSandboxTenant } from './tenant';

/** Starts the sandbox tenant for a plan, its state kept where the core says (beside the plan). */
export async function startSandboxForPlan({ persistPath }: { persistPath: string }): Promise<{ url: string; close(): Promise<void> }> {
  const tenant = await startSandboxTenant({ persistPath });
  return { url: tenant.url, close: () => tenant.close() };
}
