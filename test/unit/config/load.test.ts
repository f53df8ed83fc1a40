import { describe, expect, it } from "@jest/globals";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, formatConfigProblems } from "../../../src/config/errors.js";
import { loadConfig, parseConfig } from "../../../src/config/load.js";
import { MINIMAL_YAML, problemsOf, rejection, scratchFile, withMinimal } from "./helpers.js";

describe("parseConfig", () => {
  it("fills in every default when only the required keys are given", () => {
    const config = parseConfig(MINIMAL_YAML, { source: "config.yaml" });
    expect(config.appservice).toEqual({
      id: "crosschat",
      bind_address: "127.0.0.1",
      port: 29340,
      public_url: "http://127.0.0.1:29340",
      alias_prefix: "crosschat_",
      bot: { localpart: "crosschat", displayname: "crosschat bridge bot" },
    });
    expect(config.database).toEqual({ path: "crosschat.db" });
    expect(config.logging).toEqual({ level: "info", format: "pretty" });
    expect(config.permissions).toEqual({ "*": "relay" });
    expect(config.networks.whatsapp).toEqual({
      enabled: true,
      url: "http://127.0.0.1:29411",
      localpart_template: "whatsapp_{{id}}",
      displayname_template: "{{name}} (WhatsApp)",
      group_name_template: "{{name}}",
      rate_limit: {},
      cross_network: { enabled: false, provider_name: "crosschat", edit_fallback: "correction", reaction_fallback: "replace", reply_fallback: "quote" },
    });
    expect(config.networks.messenger.url).toBe("http://127.0.0.1:29412");
    expect(config.networks.instagram.localpart_template).toBe("instagram_{{id}}");
  });

  it("fills in the defaults of a section that is only partly given", () => {
    const config = parseConfig(withMinimal("networks:\n  messenger:\n    enabled: false\n"), { source: "config.yaml" });
    expect(config.networks.messenger).toEqual({
      enabled: false,
      url: "http://127.0.0.1:29412",
      localpart_template: "messenger_{{id}}",
      displayname_template: "{{name}} (Messenger)",
      group_name_template: "{{name}}",
      rate_limit: {},
      cross_network: { enabled: false, provider_name: "crosschat", edit_fallback: "correction", reaction_fallback: "replace", reply_fallback: "quote" },
    });
    expect(config.networks.whatsapp.enabled).toBe(true);
  });

  it("refuses a group name template without {{name}} exactly once", () => {
    expect(() => parseConfig(withMinimal("networks:\n  whatsapp:\n    group_name_template: WhatsApp group\n"), { source: "config.yaml" })).toThrow(
      "networks.whatsapp.group_name_template: expected a template containing {{name}} exactly once",
    );
  });

  it("strips trailing slashes from URLs", () => {
    const config = parseConfig(
      `homeserver:\n  url: https://matrix.example.org/\n  domain: example.org\n` +
        `appservice:\n  public_url: http://bridge:29340//\n` +
        `networks:\n  instagram:\n    url: http://sim.local/instagram/\n`,
      { source: "config.yaml" },
    );
    expect(config.homeserver.url).toBe("https://matrix.example.org");
    expect(config.appservice.public_url).toBe("http://bridge:29340");
    expect(config.networks.instagram.url).toBe("http://sim.local/instagram");
  });

  it("derives public_url from bind_address and port when it is not set", () => {
    const parse = (appservice: string) =>
      parseConfig(`homeserver:\n  url: http://hs\n  domain: example.org\nappservice:\n${appservice}`, {
        source: "config.yaml",
      }).appservice.public_url;
    expect(parse("  port: 30000\n")).toBe("http://127.0.0.1:30000");
    expect(parse("  bind_address: 10.1.2.3\n  port: 30001\n")).toBe("http://10.1.2.3:30001");
    expect(parse("  bind_address: 0.0.0.0\n")).toBe("http://127.0.0.1:29340");
    expect(parse("  bind_address: '::'\n")).toBe("http://[::1]:29340");
    expect(parse("  port: 30000\n  public_url: http://bridge:29340\n")).toBe("http://bridge:29340");
  });

  it("treats an empty optional key as not set", () => {
    const config = parseConfig(withMinimal("logging:\n  file:\nappservice:\n  bot:\n    avatar:\n"), {
      source: "config.yaml",
    });
    expect(config.logging.file).toBeUndefined();
    expect(config.appservice.bot.avatar).toBeUndefined();
  });

  it("reports an unknown key at the key's line, with the keys that are allowed there", () => {
    const problems = problemsOf(`homeserver:\n  url: http://127.0.0.1:8008\n  urll: http://x\n  domain: example.org\n`);
    expect(problems).toEqual([
      {
        path: "homeserver.urll",
        kind: "unknown-key",
        expected: "one of: url, domain",
        found: '"http://x"',
        line: 3,
        message: "unknown key (expected one of: url, domain)",
      },
    ]);
  });

  it("reports a value of the wrong type with what was expected, what was found and its line", () => {
    const problems = problemsOf(withMinimal("networks:\n  whatsapp:\n    enabled: yes\n"));
    expect(problems).toEqual([
      {
        path: "networks.whatsapp.enabled",
        kind: "invalid",
        expected: "a boolean (true or false)",
        found: '"yes"',
        line: 6,
        message: 'expected a boolean (true or false), found "yes"',
      },
    ]);
  });

  it("describes number limits and allowed values in words", () => {
    const problems = problemsOf(withMinimal("appservice:\n  port: 70000\nlogging:\n  level: verbose\n"));
    expect(problems.map((p) => [p.path, p.message, p.line])).toEqual([
      ["appservice.port", "expected a whole number from 1 to 65535, found 70000", 5],
      ["logging.level", 'expected one of: error, warn, info, debug, found "verbose"', 7],
    ]);
  });

  it("reports every mistake at once, not just the first", () => {
    const problems = problemsOf(
      [
        "homeserver:",
        "  url: ftp://example.org",
        "  domain: example.org",
        "appservice:",
        "  prot: 29340",
        "database:",
        "  path: 42",
      ].join("\n"),
    );
    expect(problems.map((p) => [p.path, p.line])).toEqual(
      expect.arrayContaining([
        ["homeserver.url", 2],
        ["appservice.prot", 5],
        ["database.path", 7],
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it("reports each unknown key of one mapping separately", () => {
    const problems = problemsOf(withMinimal("database:\n  paht: a.db\n  file: b.db\n"));
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["database.paht", 5],
      ["database.file", 6],
    ]);
  });

  it("reports a missing required key at its parent's line, saying what to write", () => {
    const problems = problemsOf("homeserver:\n  url: http://127.0.0.1:8008\n");
    expect(problems).toEqual([
      {
        path: "homeserver.domain",
        kind: "missing",
        expected: "a server name such as example.org",
        found: "nothing",
        line: 1,
        message: "missing (expected a server name such as example.org)",
      },
    ]);
  });

  it("reports a missing top-level section without a line", () => {
    const problems = problemsOf("database:\n  path: x.db\n");
    expect(problems).toEqual([
      expect.objectContaining({ path: "homeserver", kind: "missing", found: "nothing" }),
    ]);
    expect(problems[0]?.line).toBeUndefined();
    expect(problems[0]?.expected).toBe("a mapping with the keys url, domain");
  });

  it("rejects an empty file because the homeserver is required", () => {
    expect(problemsOf("").map((p) => p.path)).toEqual(["homeserver"]);
  });

  it("reports a document that is not a mapping as a problem of the root", () => {
    const problems = problemsOf("- homeserver\n- networks\n");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "(root)", found: '["homeserver","networks"]' });
    expect(problems[0]?.message).toMatch(/^expected a mapping with the keys homeserver, appservice/);
  });

  it("reports a YAML syntax error with its line", () => {
    const problems = problemsOf("homeserver:\n  url: http://127.0.0.1:8008\n  domain: [example.org\nlogging: {}\n");
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatchObject({ kind: "syntax", path: "(root)" });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(problems[0]?.message).toMatch(/^invalid YAML: /);
  });

  it("reports an alias to an anchor that does not exist, with its line", () => {
    const problems = problemsOf("homeserver: *server\n");
    expect(problems).toEqual([expect.objectContaining({ kind: "syntax", line: 1 })]);
  });

  it("lists problems in the order of the file, those without a line last", () => {
    const problems = problemsOf("networks:\n  whatsapp:\n    enabled: 1\ndatabase:\n  path: 2\nappservice:\n  port: x\n");
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["networks.whatsapp.enabled", 3],
      ["database.path", 5],
      ["appservice.port", 7],
      ["homeserver", undefined],
    ]);
  });

  it("reports a key written twice as a syntax error at the second one", () => {
    const problems = problemsOf(withMinimal("logging:\n  level: info\n  level: debug\n"));
    expect(problems).toEqual([
      expect.objectContaining({ kind: "syntax", line: 6, message: "invalid YAML: this key appears twice in the same mapping" }),
    ]);
  });

  it("shortens long values in messages", () => {
    const long = "x".repeat(200);
    const [problem] = problemsOf(withMinimal(`appservice:\n  port: ${long}\n`));
    expect(problem?.found.length).toBeLessThanOrEqual(60);
    expect(problem?.found.endsWith("…")).toBe(true);
  });

  it("calls an empty value an empty value", () => {
    const [problem] = problemsOf(withMinimal("networks:\n  whatsapp:\n    enabled:\n"));
    expect(problem?.message).toBe("expected a boolean (true or false), found an empty value");
  });
});

describe("ConfigError", () => {
  it("has a stable code, the source and the problems", () => {
    const error = rejection(withMinimal("logging:\n  level: loud\n"));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.source).toBe("config.yaml");
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain("config.yaml:5: logging.level: expected one of");
  });

  it("formats one line per problem, with file, line and key", () => {
    const error = rejection(
      "homeserver:\n  urll: http://127.0.0.1:8008\nnetworks:\n  whatsapp:\n    enabled: \"yes\"\n",
    );
    // Sorted on both sides: the order of the lines follows the schema, not the file.
    expect(formatConfigProblems(error).split("\n").sort()).toEqual([
      "config.yaml:2: homeserver.urll: unknown key (expected one of: url, domain)",
      "config.yaml:1: homeserver.url: missing (expected an http:// or https:// URL)",
      "config.yaml:1: homeserver.domain: missing (expected a server name such as example.org)",
      'config.yaml:5: networks.whatsapp.enabled: expected a boolean (true or false), found "yes"',
    ].sort());
  });

  it("formats a syntax error without a key", () => {
    const error = rejection("homeserver: [\n");
    expect(formatConfigProblems(error)).toMatch(/^config\.yaml:\d+: invalid YAML: /);
  });
});

describe("loadConfig", () => {
  it("reads and validates a file", () => {
    const file = scratchFile("config.yaml", MINIMAL_YAML);
    expect(loadConfig(file, {}).homeserver.domain).toBe("example.org");
  });

  it("names the file in its problems", () => {
    const file = scratchFile("config.yaml", "homeserver: {}\n");
    expect(() => loadConfig(file, {})).toThrow(`${file}:1: homeserver.url: missing`);
  });

  it("reports a missing file with its path and the reason", () => {
    const file = join(tmpdir(), "crosschat-does-not-exist", "config.yaml");
    let caught: unknown;
    try {
      loadConfig(file, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toEqual([expect.objectContaining({ kind: "file" })]);
    expect(formatConfigProblems(error)).toBe(
      `${file}: cannot read the configuration file ${file}: the file does not exist (ENOENT)`,
    );
  });

  it("reports a directory given as the file", () => {
    expect(() => loadConfig(tmpdir(), {})).toThrow("it is a directory, not a file (EISDIR)");
  });

  it("applies overrides from the environment it is given", () => {
    const file = scratchFile("config.yaml", MINIMAL_YAML);
    expect(loadConfig(file, { CROSSCHAT_APPSERVICE_PORT: "8009" }).appservice.port).toBe(8009);
  });
});

