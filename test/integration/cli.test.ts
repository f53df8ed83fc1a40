/**
 * The `crosschat` command as a user runs it: the built CLI in a child process, against the
 * test Synapse where the daemon needs one. `npm test` builds dist/ first.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { PACKAGE_ROOT } from "../../src/version.js";
import { runCli, spawnCli } from "../support/cli.js";
import { testConfig } from "../support/test-config.js";

const tmp = () => mkdtempSync(join(process.env["CROSSCHAT_TEST_TMP"] as string, "cli-"));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("crosschat check-config", () => {
  it("prints every mistake in a config with its key path and line, and exits 2", async () => {
    const file = join(tmp(), "config.yaml");
    writeFileSync(
      file,
      [
        "homeserver:",
        "  url: http://127.0.0.1:8008",
        "  domian: example.org", // a typo: unknown key, and domain is now missing
        "appservice:",
        "  port: seventy",
        "logging:",
        "  level: loud",
        "",
      ].join("\n"),
    );
    const { code, stderr } = await runCli(["check-config", "-c", file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:3: homeserver.domian: unknown key (expected one of: url, domain)`);
    expect(stderr).toContain(`${file}:1: homeserver.domain: missing (expected a server name such as example.org)`);
    expect(stderr).toContain(`${file}:5: appservice.port: expected a whole number from 1 to 65535, found "seventy"`);
    expect(stderr).toContain(`${file}:7: logging.level: expected one of: error, warn, info, debug, found "loud"`);
    expect(stderr).toContain("4 problems");
  });

  it("accepts the shipped sample config and exits 0", async () => {
    const { code, stdout } = await runCli(["check-config", "-c", join(PACKAGE_ROOT, "config.sample.yaml")]);
    expect(code).toBe(0);
    expect(stdout).toContain("valid");
  });
});

describe("crosschat generate-registration", () => {
  it("also writes the double-puppeting registration the config names, keeping its token when re-run", async () => {
    const dir = tmp();
    const puppetFile = join(dir, "doublepuppet.yaml");
    const config = join(dir, "config.yaml");
    writeFileSync(config, stringify({ homeserver: { url: "http://127.0.0.1:8008", domain: "example.org" }, bridge: { double_puppet_registration: puppetFile } }));
    const first = await runCli(["generate-registration", "-c", config, "-f", join(dir, "registration.yaml")]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Wrote ${puppetFile}, the double-puppeting registration (with a new token)`);
    expect(first.stdout).toContain("Add both files to the homeserver's app_service_config_files");
    const puppet = parse(readFileSync(puppetFile, "utf8")) as Record<string, unknown>;
    expect(puppet).toMatchObject({ url: null, namespaces: { users: [{ exclusive: false, regex: "@.*:example\\.org" }] } });
    await runCli(["generate-registration", "-c", config, "-f", join(dir, "registration.yaml")]);
    expect((parse(readFileSync(puppetFile, "utf8")) as Record<string, unknown>)["as_token"]).toBe(puppet["as_token"]);
  });

  it("writes a registration, keeps its tokens when re-run, and replaces them with --regenerate-tokens", async () => {
    const dir = tmp();
    const file = join(dir, "registration.yaml");
    const config = join(PACKAGE_ROOT, "config.sample.yaml");

    expect((await runCli(["generate-registration", "-c", config, "-f", file])).code).toBe(0);
    const first = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(first["as_token"]).toMatch(/^[0-9a-f]{64}$/);

    expect((await runCli(["generate-registration", "-c", config, "-f", file])).code).toBe(0);
    const second = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(second["as_token"]).toBe(first["as_token"]);
    expect(second["hs_token"]).toBe(first["hs_token"]);

    expect((await runCli(["generate-registration", "-c", config, "-f", file, "--regenerate-tokens"])).code).toBe(0);
    const third = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(third["as_token"]).not.toBe(first["as_token"]);
    expect(third["hs_token"]).not.toBe(first["hs_token"]);
  });
});

describe("crosschat start", () => {
  function writeConfig(dir: string, overrides: Parameters<typeof testConfig>[0] = {}): string {
    const file = join(dir, "config.yaml");
    writeFileSync(file, stringify(testConfig({ logging: { level: "info", format: "json" }, ...overrides })));
    return file;
  }

  it("runs until SIGTERM, then shuts down cleanly and exits 0", async () => {
    const config = writeConfig(tmp());
    const child = spawnCli(["start", "-c", config, "-f", process.env["CROSSCHAT_TEST_REGISTRATION"] as string]);
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const running = new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("is running")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code} before running:\n${stdout}${stderr}`)));
    });
    await running;

    const port = process.env["CROSSCHAT_TEST_AS_PORT"] as string;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const messages = stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages).toEqual(expect.arrayContaining(["Received SIGTERM, shutting down (send it again to force)", "Stopped"]));
    expect(stderr).toBe("");
  });

  it("refuses to start when the registration does not match the config, saying what differs", async () => {
    const config = writeConfig(tmp(), { appservice: { bot: { localpart: "somebot" } } });
    const { code, stderr } = await runCli(["start", "-c", config, "-f", process.env["CROSSCHAT_TEST_REGISTRATION"] as string]);
    expect(code).toBe(1);
    expect(stderr).toContain("The registration does not match the config");
    expect(stderr).toContain('sender_localpart is "crosschat" but the config (appservice.bot.localpart) says "somebot"');
  });

  it("refuses to start without a registration file and says how to make one", async () => {
    const config = writeConfig(tmp());
    const { code, stderr } = await runCli(["start", "-c", config, "-f", "/nonexistent/registration.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toContain("create it with 'crosschat generate-registration'");
  });
});
