/**
 * What the daemon says when it cannot start: each common set-up mistake is named, with what
 * to do about it, before anything is half-started.
 */
import { describe, expect, it } from "@jest/globals";
import { startApp } from "../../src/app.js";
import { freeLoopbackPort } from "../../src/devenv/ports.js";
import { createLogging } from "../../src/logging/logger.js";
import { readRegistrationFile } from "../../src/matrix/registration-file.js";
import { testConfig } from "../support/test-config.js";

const registration = () => readRegistrationFile(process.env["CROSSCHAT_TEST_REGISTRATION"] as string);
const quietLogging = () => createLogging({ level: "error", format: "json", stream: process.stderr });

describe("starting the daemon", () => {
  it("refuses to start when the registration's namespaces do not match the config", async () => {
    const config = testConfig({ networks: { instagram: { localpart_template: "ig_{{id}}" } } });
    await expect(startApp({ config, registration: registration(), logging: quietLogging() })).rejects.toThrow(
      /namespaces\.users is \[.*@instagram_\.\+:localhost.*\] but the enabled networks' localpart templates call for \[.*@ig_\.\+:localhost/,
    );
  });

  it("keeps trying an unreachable homeserver for a while, then fails naming homeserver.url", async () => {
    const closedPort = await freeLoopbackPort();
    const config = testConfig({ homeserver: { url: `http://127.0.0.1:${closedPort}` } });
    const started = Date.now();
    await expect(
      startApp({ config, registration: registration(), logging: quietLogging(), homeserverWaitMs: 1200 }),
    ).rejects.toThrow(
      `cannot reach the homeserver at http://127.0.0.1:${closedPort} (homeserver.url): ECONNREFUSED. ` +
        "Is it running, and is the URL right from where crosschat runs?",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
  });

  it("says so when the homeserver has not loaded the registration", async () => {
    const unknownTokens = { ...registration(), as_token: "not-a-token-the-homeserver-knows" };
    await expect(startApp({ config: testConfig(), registration: unknownTokens, logging: quietLogging() })).rejects.toThrow(
      /the homeserver does not accept the registration's as_token as @crosschat:localhost \(401 M_UNKNOWN_TOKEN\)\. Add the registration file to the homeserver's app_service_config_files/,
    );
  });

  it("leaves the port free after a failed start, so a corrected start can bind it", async () => {
    const unknownTokens = { ...registration(), as_token: "not-a-token-the-homeserver-knows" };
    const config = testConfig();
    await expect(startApp({ config, registration: unknownTokens, logging: quietLogging() })).rejects.toThrow();
    const app = await startApp({ config, registration: registration(), logging: quietLogging() });
    await app.stop();
  });
});
