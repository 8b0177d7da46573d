import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_HEADLESS_FLAGS } from '../../helpers/chromium.ts';

export const CHROMIUM = process.env.MESHSIM_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's chromium, headless, with a fresh profile (DEVELOPERS.md: never playwright's own
 * browser download). `.ci/ensure-chromium.sh`, run before the tests, installs it when missing.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'meshsim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: CHROMIUM_HEADLESS_FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
