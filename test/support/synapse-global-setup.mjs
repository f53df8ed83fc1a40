/**
 * Jest global setup for the integration project: one real Synapse for the whole run, with the
 * bridge's appservice registration installed. Tests find it through process.env, set here
 * before the test files run.
 *
 * Plain JavaScript on the build output (dist/, which `npm test` builds first): jest loads
 * global setup outside its test runtime, where ts-jest's module mapping does not apply.
 *
 * There is no skipping: without a Synapse the run fails and says how to provide one.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import winston from "winston";
import { stringify } from "yaml";

export const HARNESS_KEY = "__crosschatSynapseHarness";
const DOMAIN = "localhost";
const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

const HOW_TO_PROVIDE = [
  "The integration tests need a real Synapse. Provide one in any of these ways:",
  "  - run `sudo scripts/provision-synapse.sh` once on Debian/Ubuntu (builds a cached chroot, ~2 min);",
  "  - set CROSSCHAT_SYNAPSE_PYTHON to the python of an existing Synapse install;",
  "  - run a Docker engine (the matrixdotorg/synapse image is pulled automatically).",
].join("\n");

async function fromDist(path) {
  const file = join(DIST, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' first (npm test does)`);
  return import(pathToFileURL(file).href);
}

export default async function globalSetup() {
  const { ConfigSchema } = await fromDist("config/schema.js");
  const { freeLoopbackPort } = await fromDist("devenv/ports.js");
  const { startSynapse } = await fromDist("devenv/synapse.js");
  const { buildDoublePuppetRegistration, buildRegistration, generateTokens } = await fromDist("matrix/registration.js");

  const tmpDir = await mkdtemp(join(tmpdir(), "crosschat-test-"));
  try {
    const asPort = await freeLoopbackPort();
    // The homeserver URL goes into the config before Synapse runs, so its port is picked here.
    const hsPort = await freeLoopbackPort();
    const hsUrl = `http://127.0.0.1:${hsPort}`;
    // The part of every test's config that the registration depends on; test-config.ts builds
    // on it, so what Synapse routes and what the daemon checks at start-up always agree.
    // Double puppeting is on, as a self-hoster following the README has it.
    const doublePuppetPath = join(tmpDir, "doublepuppet.yaml");
    const baseConfig = {
      homeserver: { url: hsUrl, domain: DOMAIN },
      appservice: { port: asPort, bind_address: "127.0.0.1", public_url: `http://127.0.0.1:${asPort}` },
      // Most tests name WhatsApp ghosts by number; the ones about hiding numbers turn this off.
      bridge: { double_puppet_registration: doublePuppetPath, phone_numbers_on_matrix: true },
      permissions: { "*": "relay", [DOMAIN]: "user" },
    };
    const parsed = ConfigSchema.parse(baseConfig);
    const registration = buildRegistration(parsed, generateTokens());
    const registrationPath = join(tmpDir, "registration.yaml");
    await writeFile(registrationPath, stringify(registration), { mode: 0o600 });
    const doublePuppet = buildDoublePuppetRegistration(parsed, generateTokens());
    await writeFile(doublePuppetPath, stringify(doublePuppet), { mode: 0o600 });

    let synapse;
    try {
      synapse = await startSynapse({
        dataDir: join(tmpDir, "synapse"),
        registrations: [registration, doublePuppet],
        serverName: DOMAIN,
        port: hsPort,
        logger: winston.createLogger({
          level: process.env["CROSSCHAT_TEST_LOG_LEVEL"] ?? "warn",
          transports: [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] })],
          format: winston.format.simple(),
        }),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // On CI the reason is what matters; locally, also say how to get a Synapse.
      throw new Error(
        `Synapse could not start for the integration tests: ${reason}` +
          (process.env["CI"] === "true" ? "" : `\n\n${HOW_TO_PROVIDE}`),
      );
    }

    globalThis[HARNESS_KEY] = { synapse, tmpDir };
    process.env["CROSSCHAT_TEST_HS_URL"] = synapse.url;
    process.env["CROSSCHAT_TEST_HS_DOMAIN"] = synapse.serverName;
    process.env["CROSSCHAT_TEST_HS_SECRET"] = synapse.registrationSharedSecret;
    process.env["CROSSCHAT_TEST_AS_PORT"] = String(asPort);
    process.env["CROSSCHAT_TEST_BASE_CONFIG"] = JSON.stringify(baseConfig);
    process.env["CROSSCHAT_TEST_REGISTRATION"] = registrationPath;
    process.env["CROSSCHAT_TEST_TMP"] = tmpDir;
  } catch (error) {
    // Jest runs no teardown after a failed setup.
    await rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
}
