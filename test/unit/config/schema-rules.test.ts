import { describe, expect, it } from "@jest/globals";
import { parseConfig } from "../../../src/config/load.js";
import { problemsOf, withMinimal } from "./helpers.js";

const parse = (text: string) => parseConfig(text, { source: "config.yaml" });

function networksYaml(templates: Partial<Record<"whatsapp" | "messenger" | "instagram", string>>): string {
  return withMinimal(
    "networks:\n" +
      Object.entries(templates)
        .map(([network, template]) => `  ${network}:\n    localpart_template: "${template}"\n`)
        .join(""),
  );
}

describe("permissions", () => {
  it("accepts '*', server names and user ids as subjects", () => {
    const config = parse(
      withMinimal(
        'permissions:\n  "*": block\n  example.org: user\n  "matrix.example.org:8448": relay\n' +
          '  "@admin:example.org": admin\n  "[::1]:8448": user\n',
      ),
    );
    expect(config.permissions).toEqual({
      "*": "block",
      "example.org": "user",
      "matrix.example.org:8448": "relay",
      "@admin:example.org": "admin",
      "[::1]:8448": "user",
    });
  });

  it("rejects a subject that is neither a server name nor a user id, at its line", () => {
    const problems = problemsOf(withMinimal('permissions:\n  "@Admin:example.org": admin\n  "bob smith": user\n'));
    expect(problems).toEqual([
      expect.objectContaining({
        path: "permissions.@Admin:example.org",
        line: 5,
        message:
          "invalid key: expected '*', a server name such as example.org, or a user id such as @alice:example.org, " +
          'found "@Admin:example.org"',
      }),
      expect.objectContaining({ path: "permissions.bob smith", line: 6 }),
    ]);
  });

  it("rejects an unknown permission level, naming the levels", () => {
    const [problem] = problemsOf(withMinimal('permissions:\n  "@bob:example.org": superuser\n'));
    expect(problem).toMatchObject({
      path: "permissions.@bob:example.org",
      line: 5,
      message: 'expected one of: block, relay, user, admin, found "superuser"',
    });
  });
});

describe("localpart templates", () => {
  it("accepts a template with a prefix around {{id}}", () => {
    const config = parse(networksYaml({ whatsapp: "wa.{{id}}", messenger: "fb/{{id}}" }));
    expect(config.networks.whatsapp.localpart_template).toBe("wa.{{id}}");
    expect(config.networks.messenger.localpart_template).toBe("fb/{{id}}");
  });

  it("accepts a template with only a suffix after {{id}}", () => {
    // A suffix-only namespace overlaps every prefix-only one ("wa.1=fb" fits both), so the
    // other networks are turned off here.
    const config = parse(
      withMinimal(
        'networks:\n  whatsapp:\n    enabled: false\n  instagram:\n    enabled: false\n' +
          '  messenger:\n    localpart_template: "{{id}}=fb"\n',
      ),
    );
    expect(config.networks.messenger.localpart_template).toBe("{{id}}=fb");
  });

  it("requires {{id}}", () => {
    const [problem] = problemsOf(networksYaml({ whatsapp: "whatsapp_" }));
    expect(problem).toMatchObject({
      path: "networks.whatsapp.localpart_template",
      line: 6,
      message: 'expected a template containing {{id}} exactly once, found "whatsapp_"',
    });
  });

  it("rejects {{id}} twice with a single problem", () => {
    const problems = problemsOf(networksYaml({ whatsapp: "wa_{{id}}_{{id}}" }));
    expect(problems.map((p) => p.message)).toEqual([
      'expected a template containing {{id}} exactly once, found "wa_{{id}}_{{id}}"',
    ]);
  });

  it("rejects characters a Matrix localpart cannot have", () => {
    const [problem] = problemsOf(networksYaml({ instagram: "Insta_{{id}}" }));
    expect(problem?.expected).toBe("only lower-case letters, digits and . _ = / + - around {{id}}");
  });

  it("rejects a bare {{id}}, which would leave no namespace of its own", () => {
    const problems = problemsOf(networksYaml({ messenger: "{{id}}" }));
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: "networks.messenger.localpart_template",
        expected: "a prefix or suffix around {{id}}, so each network gets its own namespace",
      }),
    );
  });

  it("requires {{name}} or {{id}} in display name templates", () => {
    const [problem] = problemsOf(withMinimal('networks:\n  whatsapp:\n    displayname_template: "WhatsApp user"\n'));
    expect(problem).toMatchObject({
      path: "networks.whatsapp.displayname_template",
      expected: "a template containing {{name}} or {{id}}",
    });
  });
});

describe("namespaces", () => {
  it("rejects two networks whose templates could produce the same user id", () => {
    const problems = problemsOf(networksYaml({ whatsapp: "chat_{{id}}", messenger: "chat_fb_{{id}}" }));
    expect(problems).toEqual([
      expect.objectContaining({
        path: "networks.messenger.localpart_template",
        line: 8,
        message:
          "expected a namespace distinct from networks.whatsapp.localpart_template (both could produce the same user id), " +
          'found "chat_fb_{{id}}"',
      }),
    ]);
  });

  it("names the default when the clashing template is one the file leaves out", () => {
    const defaults = problemsOf(networksYaml({ whatsapp: "messenger_{{id}}" }));
    expect(defaults).toEqual([
      expect.objectContaining({
        path: "networks.messenger.localpart_template",
        found: '"messenger_{{id}}" (the default)',
        line: 4, // the line of `networks:`, the nearest key the file has
      }),
    ]);
  });

  it("allows overlapping templates when one of the networks is disabled", () => {
    const text = withMinimal(
      'networks:\n  whatsapp:\n    localpart_template: "chat_{{id}}"\n' +
        '  messenger:\n    enabled: false\n    localpart_template: "chat_{{id}}"\n',
    );
    expect(parse(text).networks.messenger.enabled).toBe(false);
  });

  it("rejects a bot localpart inside a network's namespace", () => {
    const [problem] = problemsOf(withMinimal("appservice:\n  bot:\n    localpart: whatsapp_bot\n"));
    expect(problem).toMatchObject({
      path: "appservice.bot.localpart",
      line: 6,
      message: "expected a bot localpart outside networks.whatsapp.localpart_template's namespace, found \"whatsapp_bot\"",
    });
  });
});
