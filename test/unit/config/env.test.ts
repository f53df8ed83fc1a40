import { describe, expect, it } from "@jest/globals";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environmentVariableNames, ENV_FILE_SUFFIX } from "../../../src/config/env.js";
import { formatConfigProblems } from "../../../src/config/errors.js";
import { parseConfig } from "../../../src/config/load.js";
import { ConfigSchema } from "../../../src/config/schema.js";
import { isRecord, leafPaths, schemaAt } from "../../../src/config/schema-walk.js";
import { MINIMAL_YAML, problemsOf, rejection, scratchFile } from "./helpers.js";

const parse = (text: string, env: NodeJS.ProcessEnv) => parseConfig(text, { source: "config.yaml", env });

const secretFile = (content: string): string => scratchFile("secret", content);

describe("environmentVariableNames", () => {
  it("names every leaf key except the permissions mapping", () => {
    const expected = leafPaths(ConfigSchema).filter((path) => !isRecord(schemaAt(ConfigSchema, path)!));
    const names = environmentVariableNames();
    expect([...names.values()]).toEqual(expected);
    expect(names.get("CROSSCHAT_HOMESERVER_URL")).toEqual(["homeserver", "url"]);
    expect(names.get("CROSSCHAT_APPSERVICE_BOT_DISPLAYNAME")).toEqual(["appservice", "bot", "displayname"]);
    expect(names.get("CROSSCHAT_NETWORKS_WHATSAPP_ENABLED")).toEqual(["networks", "whatsapp", "enabled"]);
    expect([...names.keys()].some((name) => name.startsWith("CROSSCHAT_PERMISSIONS"))).toBe(false);
  });

  it("never gives two key paths the same variable, in either form", () => {
    const names = [...environmentVariableNames().keys()];
    const all = [...names, ...names.map((name) => name + ENV_FILE_SUFFIX)];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("environment overrides", () => {
  it("sets a key that the file does not have", () => {
    const config = parse(MINIMAL_YAML, { CROSSCHAT_APPSERVICE_BOT_DISPLAYNAME: "Bridge bot" });
    expect(config.appservice.bot.displayname).toBe("Bridge bot");
  });

  it("takes precedence over the file", () => {
    const config = parse(MINIMAL_YAML, { CROSSCHAT_HOMESERVER_URL: "http://synapse:8008/" });
    expect(config.homeserver.url).toBe("http://synapse:8008");
  });

  it("reads values as YAML scalars, so numbers and booleans need no quotes", () => {
    const config = parse(MINIMAL_YAML, {
      CROSSCHAT_APPSERVICE_PORT: "8009",
      CROSSCHAT_NETWORKS_WHATSAPP_ENABLED: "false",
      CROSSCHAT_LOGGING_LEVEL: "debug",
    });
    expect(config.appservice.port).toBe(8009);
    expect(config.networks.whatsapp.enabled).toBe(false);
    expect(config.logging.level).toBe("debug");
  });

  it("keeps values that YAML would not read as a scalar as typed", () => {
    const config = parse(MINIMAL_YAML, {
      CROSSCHAT_NETWORKS_MESSENGER_DISPLAYNAME_TEMPLATE: "{{name}} [FB]",
      CROSSCHAT_APPSERVICE_BOT_AVATAR: "mxc://example.org/abc",
    });
    expect(config.networks.messenger.displayname_template).toBe("{{name}} [FB]");
    expect(config.appservice.bot.avatar).toBe("mxc://example.org/abc");
  });

  it("can make a complete configuration without a file", () => {
    const config = parse("", {
      CROSSCHAT_HOMESERVER_URL: "http://127.0.0.1:8008",
      CROSSCHAT_HOMESERVER_DOMAIN: "example.org",
    });
    expect(config.homeserver).toEqual({ url: "http://127.0.0.1:8008", domain: "example.org" });
  });

  it("ignores empty variables", () => {
    const config = parse(MINIMAL_YAML, { CROSSCHAT_APPSERVICE_PORT: "", CROSSCHAT_APPSERVICE_PORT_FILE: "" });
    expect(config.appservice.port).toBe(29340);
  });

  it("ignores variables that are not configuration keys", () => {
    expect(() => parse(MINIMAL_YAML, { CROSSCHAT_PERMISSIONS: "admin", PATH: "/usr/bin" })).not.toThrow();
  });

  it("reads a value from the file named by the _FILE variable, trimmed", () => {
    const config = parse(MINIMAL_YAML, { CROSSCHAT_DATABASE_PATH_FILE: secretFile("/data/bridge.db\n") });
    expect(config.database.path).toBe("/data/bridge.db");
  });

  it("keeps a _FILE value a string even when it looks like a number", () => {
    const config = parse(MINIMAL_YAML, { CROSSCHAT_APPSERVICE_ID_FILE: secretFile("0123\n") });
    expect(config.appservice.id).toBe("0123");
  });

  it("reads a _FILE value as a number or boolean where the key holds one", () => {
    const config = parse(MINIMAL_YAML, {
      CROSSCHAT_APPSERVICE_PORT_FILE: secretFile("8010\n"),
      CROSSCHAT_NETWORKS_INSTAGRAM_ENABLED_FILE: secretFile("false"),
    });
    expect(config.appservice.port).toBe(8010);
    expect(config.networks.instagram.enabled).toBe(false);
  });

  it("rejects a key set by both the variable and its _FILE form", () => {
    const problems = problemsOf(MINIMAL_YAML, {
      CROSSCHAT_DATABASE_PATH: "a.db",
      CROSSCHAT_DATABASE_PATH_FILE: secretFile("b.db"),
    });
    expect(problems).toEqual([
      expect.objectContaining({
        path: "database.path",
        kind: "environment",
        message: "set by both CROSSCHAT_DATABASE_PATH and CROSSCHAT_DATABASE_PATH_FILE; remove one of them",
      }),
    ]);
  });

  it("reports a _FILE variable naming a file that cannot be read", () => {
    const missing = join(tmpdir(), "crosschat-no-such-secret");
    const problems = problemsOf(MINIMAL_YAML, { CROSSCHAT_HOMESERVER_DOMAIN_FILE: missing });
    expect(problems).toEqual([
      expect.objectContaining({
        path: "homeserver.domain",
        variable: "CROSSCHAT_HOMESERVER_DOMAIN_FILE",
        message: `cannot read ${missing}, named by environment variable CROSSCHAT_HOMESERVER_DOMAIN_FILE: the file does not exist (ENOENT)`,
      }),
    ]);
  });

  it("attributes an invalid value to its variable instead of a line", () => {
    const error = rejection(MINIMAL_YAML, { CROSSCHAT_NETWORKS_WHATSAPP_ENABLED: "maybe" });
    expect(error.problems).toEqual([
      expect.objectContaining({ path: "networks.whatsapp.enabled", variable: "CROSSCHAT_NETWORKS_WHATSAPP_ENABLED" }),
    ]);
    expect(error.problems[0]?.line).toBeUndefined();
    expect(formatConfigProblems(error)).toBe(
      'config.yaml: networks.whatsapp.enabled: expected a boolean (true or false), found "maybe" ' +
        "(from environment variable CROSSCHAT_NETWORKS_WHATSAPP_ENABLED)",
    );
  });

  it("does not show the content of a _FILE value in problems, since it may be a secret", () => {
    const error = rejection(MINIMAL_YAML, { CROSSCHAT_HOMESERVER_URL_FILE: secretFile("s3cr3t-value") });
    expect(formatConfigProblems(error)).not.toContain("s3cr3t");
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: "homeserver.url",
        message: "expected an http:// or https:// URL (from environment variable CROSSCHAT_HOMESERVER_URL_FILE)",
      }),
    ]);
  });

  it("reports environment problems together with the file's problems", () => {
    const problems = problemsOf("homeserver:\n  url: http://127.0.0.1:8008\n  domian: example.org\n", {
      CROSSCHAT_APPSERVICE_PORT: "0",
      CROSSCHAT_LOGGING_FORMAT: "x",
      CROSSCHAT_LOGGING_FORMAT_FILE: "/nowhere",
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      "appservice.port",
      "homeserver.domain",
      "homeserver.domian",
      "logging.format",
    ]);
  });
});
