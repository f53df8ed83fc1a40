/** Jest global teardown for the integration project: stops the run's Synapse, removes its files. */
import { rm } from "node:fs/promises";
import { HARNESS_KEY } from "./synapse-global-setup.mjs";

export default async function globalTeardown() {
  const state = globalThis[HARNESS_KEY];
  if (!state) return;
  delete globalThis[HARNESS_KEY];
  try {
    await state.synapse.stop();
  } finally {
    if (process.env["CROSSCHAT_KEEP_SYNAPSE"] !== "1") await rm(state.tmpDir, { recursive: true, force: true });
  }
}
