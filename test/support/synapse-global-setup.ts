/**
 * Jest global setup for the integration project: one real Synapse for the whole run, with the
 * bridge's appservice registration installed. Tests find it through process.env (set here
 * before the test files run, which inherit it).
 *
 * There is no skipping: without a Synapse the run fails and says how to provide one.
 *
 * Jest loads global setup files as CommonJS (through ts-jest, in the main process), not through
 * its ESM runtime, so its `.js` -> `.ts` module mapping does not apply here. The project's own
 * modules are therefore imported dynamically, inside `withTypeScriptSources`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import winston from "winston";
import { stringify } from "yaml";
import type { RunningSynapse } from "../../src/devenv/synapse.js";

/** What teardown needs; kept on globalThis because setup and teardown share only the process. */
export interface SynapseHarnessState {
  synapse: RunningSynapse;
  tmpDir: string;
}

/** Also spelled out in synapse-global-teardown.ts (which must not import this file, see above). */
const HARNESS_KEY = "__crosschatSynapseHarness";

const DOMAIN = "localhost";

const HOW_TO_PROVIDE = [
  "The integration tests need a real Synapse. Provide one in any of these ways:",
  "  - run `sudo scripts/provision-synapse.sh` once on Debian/Ubuntu (builds a cached chroot, ~2 min);",
  "  - set CROSSCHAT_SYNAPSE_PYTHON to the python of an existing Synapse install;",
  "  - run a Docker engine (the matrixdotorg/synapse image is pulled automatically).",
].join("\n");

type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

/**
 * Runs `load` while CommonJS resolution maps a relative `./x.js` imported from a `.ts` file to
 * `./x.ts` when no `./x.js` exists, the way TypeScript's NodeNext resolution reads the sources.
 */
async function withTypeScriptSources<T>(load: () => Promise<T>): Promise<T> {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (error) {
      if (request.startsWith(".") && request.endsWith(".js") && parent?.filename?.endsWith(".ts")) {
        return original.call(this, `${request.slice(0, -3)}.ts`, parent, ...rest);
      }
      throw error;
    }
  };
  try {
    return await load();
  } finally {
    loader._resolveFilename = original;
  }
}

export default async function globalSetup(): Promise<void> {
  const [{ ConfigSchema }, { freeLoopbackPort }, { startSynapse }, { buildRegistration, generateTokens }, { baseTestConfigInput }] =
    await withTypeScriptSources(() =>
      Promise.all([
        import("../../src/config/schema.js"),
        import("../../src/devenv/ports.js"),
        import("../../src/devenv/synapse.js"),
        import("../../src/matrix/registration.js"),
        import("./test-config.js"),
      ]),
    );

  const logger = winston.createLogger({
    level: process.env["CROSSCHAT_TEST_LOG_LEVEL"] ?? "warn",
    transports: [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] })],
    format: winston.format.simple(),
  });
  const tmpDir = await mkdtemp(join(tmpdir(), "crosschat-test-"));
  try {
    const asPort = await freeLoopbackPort();
    // The homeserver URL goes into the config before Synapse runs, so its port is picked here.
    const hsPort = await freeLoopbackPort();
    const hsUrl = `http://127.0.0.1:${hsPort}`;
    const config = ConfigSchema.parse(baseTestConfigInput(asPort, hsUrl, DOMAIN));
    const registration = buildRegistration(config, generateTokens());
    const registrationPath = join(tmpDir, "registration.yaml");
    await writeFile(registrationPath, stringify(registration), { mode: 0o600 });

    let synapse: RunningSynapse;
    try {
      synapse = await startSynapse({
        dataDir: join(tmpDir, "synapse"),
        registrations: [registration],
        serverName: DOMAIN,
        port: hsPort,
        logger,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // On CI the reason is what matters; locally, also say how to get a Synapse.
      throw new Error(
        process.env["CI"] === "true"
          ? `Synapse could not start for the integration tests: ${reason}`
          : `Synapse could not start for the integration tests: ${reason}\n\n${HOW_TO_PROVIDE}`,
      );
    }

    const state: SynapseHarnessState = { synapse, tmpDir };
    (globalThis as Record<string, unknown>)[HARNESS_KEY] = state;
    process.env["CROSSCHAT_TEST_HS_URL"] = synapse.url;
    process.env["CROSSCHAT_TEST_HS_DOMAIN"] = synapse.serverName;
    process.env["CROSSCHAT_TEST_HS_SECRET"] = synapse.registrationSharedSecret;
    process.env["CROSSCHAT_TEST_AS_PORT"] = String(asPort);
    process.env["CROSSCHAT_TEST_REGISTRATION"] = registrationPath;
    process.env["CROSSCHAT_TEST_TMP"] = tmpDir;
  } catch (error) {
    await rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
}
