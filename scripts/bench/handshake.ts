/**
 * Section 1: the provider's start to its handshake line, with and without its code cache, and
 * whole plugin sessions, next to `node -e ''` (Node's own start-up).
 */
import { generateServerCertificate } from "../../provider/plugin/cert";
import { pluginEnv, pluginSession, stats, timeProcess } from "./measure";
import type { SessionTimes } from "./measure";
import { BUNDLE, log } from "./runner";
import type { Options, Row } from "./runner";

export async function handshake(opts: Options, codeCacheDir: string): Promise<Row[]> {
  log(
    `1. handshake: ${opts.handshakeRuns} runs each of node -e '', dist/provider.js with and without its code cache, and whole sessions`,
  );
  const client = generateServerCertificate();
  const cached = pluginEnv(client, { CPQ_SSO_CODE_CACHE: codeCacheDir });
  const cold = pluginEnv(client, { CPQ_SSO_CODE_CACHE: "off" });
  const node = (): Promise<number> => timeProcess(["-e", ""], { PATH: process.env.PATH }, false);
  // The first session fills the code cache, as the first process after an install does.
  await node();
  await pluginSession(BUNDLE, client, cached);
  // Alternate the kinds so a burst of load on the machine falls on all alike.
  const nodeXs: number[] = [];
  const cachedXs: number[] = [];
  const coldXs: number[] = [];
  const sessions: SessionTimes[] = [];
  for (let i = 0; i < opts.handshakeRuns; i++) {
    nodeXs.push(await node());
    cachedXs.push(await timeProcess([BUNDLE], cached, true));
    coldXs.push(await timeProcess([BUNDLE], cold, true));
    sessions.push(await pluginSession(BUNDLE, client, cached));
  }
  const floors = [{ label: "node -e ''", ms: stats(nodeXs).median }];
  return [
    {
      section: 1,
      what: "provider start to handshake line",
      figure: stats(cachedXs),
      floors,
      goal: { ratio: 1.5, text: "< 1.5x node" },
    },
    {
      section: 1,
      what: "the same, first start after an install (no code cache yet)",
      figure: stats(coldXs),
      floors,
    },
    {
      section: 1,
      what: "a whole session: start, GetProviderSchema answered over mTLS",
      figure: stats(sessions.map((x) => x.schema)),
      floors,
    },
    {
      section: 1,
      what: "a whole session: ... then Shutdown, process ended",
      figure: stats(sessions.map((x) => x.exited)),
      floors,
    },
  ];
}
