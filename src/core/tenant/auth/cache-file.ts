// MSAL token cache in a file under the user's config directory, never next to the plan: plans
// are shared and committed, tokens must not be. The file is written atomically with mode 0600.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

/**
 * `CM2INTUNE_TOKEN_CACHE` if set; else `%APPDATA%\cm2intune\msal-cache.json` on Windows and
 * `$XDG_CONFIG_HOME/cm2intune/msal-cache.json` (default `~/.config`) elsewhere.
 */
export function defaultCachePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.CM2INTUNE_TOKEN_CACHE) return resolve(env.CM2INTUNE_TOKEN_CACHE);
  const base = platform === 'win32' ? (env.APPDATA ?? join(home, 'AppData', 'Roaming')) : env.XDG_CONFIG_HOME || join(home, '.config');
  return join(base, 'cm2intune', 'msal-cache.json');
}

/** Throws when the cache would land inside the plan's folder (where it could be committed). */
export function assertOutsidePlanFolder(cachePath: string, planDir: string | undefined): void {
  if (!planDir) return;
  const rel = relative(resolve(planDir), resolve(cachePath));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new Error(
      `The token cache ${cachePath} is inside the plan folder ${planDir}; set CM2INTUNE_TOKEN_CACHE to a path outside it (default: your config directory).`,
    );
}

export function fileCachePlugin(path: string): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      try {
        context.tokenCache.deserialize(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new Error(
            `Cannot read the token cache ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}. Delete it to sign in again.`,
          );
      }
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (!context.cacheHasChanged) return;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, context.tokenCache.serialize(), { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, path);
    },
  };
}
