/**
 * Jest global teardown for the integration project: stops the run's Synapse, removes its files.
 * Imports no project module: jest loads this file as CommonJS, where the sources' `.js`
 * specifiers do not resolve (see synapse-global-setup.ts).
 */
import { rm } from "node:fs/promises";
import type { SynapseHarnessState } from "./synapse-global-setup.js";

/** Same key as in synapse-global-setup.ts. */
const HARNESS_KEY = "__crosschatSynapseHarness";

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const state = globals[HARNESS_KEY] as SynapseHarnessState | undefined;
  if (!state) return;
  delete globals[HARNESS_KEY];
  try {
    await state.synapse.stop();
  } finally {
    if (process.env["CROSSCHAT_KEEP_SYNAPSE"] !== "1") await rm(state.tmpDir, { recursive: true, force: true });
  }
}
