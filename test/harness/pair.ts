import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import {
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './cluster.js';

/**
 * The browser tests' two real node processes, peered: us-doj (America/New_York) and cn-mps
 * (Asia/Shanghai), and one Chromium. `usePeeredPair()` registers the hooks that start and
 * stop them; its fields are set once `beforeAll` has run.
 */
export interface Pair {
  us: NodeProcess;
  cn: NodeProcess;
  browser: Browser;
}

export function usePeeredPair(): Pair {
  const pair = {} as Pair;
  beforeAll(async () => {
    const root = clusterRoot();
    pair.us = await createNodeProcess(root, 'us-doj', { timeZone: 'America/New_York' });
    pair.cn = await createNodeProcess(root, 'cn-mps', {
      country: 'CN',
      timeZone: 'Asia/Shanghai',
    });
    await Promise.all([pair.us.start(), pair.cn.start()]);
    await peer(pair.us, pair.cn);
    pair.browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await pair.browser?.close();
    await Promise.all([pair.us?.kill(), pair.cn?.kill()]);
    removeClusterRoots();
  }, 60_000);
  return pair;
}
