// `npm run demo`: the main job on the embedded default. For now it checks the bundled sample
// plan; the phase-1 work turns it into sample site + sandbox tenant -> preview -> import -> status.
import { main, processIo } from '../src/cli/main';

async function demo(): Promise<number> {
  processIo.out('cm2intune demo: checking the sample plan samples/contoso.migration.json');
  return main(['validate', 'samples/contoso.migration.json'], { ...processIo, cwd: process.cwd() });
}

demo().then((code) => (process.exitCode = code));
