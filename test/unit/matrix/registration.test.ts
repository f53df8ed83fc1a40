import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigSchema } from "../../../src/config/schema.js";
import { loadConfig } from "../../../src/config/load.js";
import {
  buildDoublePuppetRegistration,
  buildRegistration,
  generateTokens,
  registrationMismatches,
  userNamespaceRegex,
} from "../../../src/matrix/registration.js";
import { GENERATED_HEADER, readRegistrationFile, renderRegistration } from "../../../src/matrix/registration-file.js";
import { PACKAGE_ROOT } from "../../../src/version.js";

const config = (input: object = {}) =>
  ConfigSchema.parse({ homeserver: { url: "http://hs:8008", domain: "example.org" }, ...input });
const tokens = { as_token: "a".repeat(64), hs_token: "h".repeat(64) };

describe("the appservice registration", () => {
  it("claims one exclusive user namespace per enabled network, from its localpart template", () => {
    const registration = buildRegistration(
      config({ networks: { messenger: { enabled: false }, instagram: { localpart_template: "ig.{{id}}.x" } } }),
      tokens,
    );
    expect(registration.namespaces.users).toEqual([
      { exclusive: true, regex: "@whatsapp_.+:example\\.org" },
      { exclusive: true, regex: "@ig\\..+\\.x:example\\.org" },
    ]);
    expect(registration.protocols).toEqual(["whatsapp", "instagram"]);
  });

  it("names the bot, the alias namespace, the URL and disables rate limiting", () => {
    const registration = buildRegistration(config(), tokens);
    expect(registration).toMatchObject({
      id: "crosschat",
      url: "http://127.0.0.1:29340",
      sender_localpart: "crosschat",
      rate_limited: false,
      namespaces: { aliases: [{ exclusive: true, regex: "#crosschat_.+:example\\.org" }], rooms: [] },
    });
  });

  it("asks for ephemeral events under both the stable and the MSC2409 key", () => {
    const registration = buildRegistration(config(), tokens);
    expect(registration.receive_ephemeral).toBe(true);
    expect(registration["de.sorunome.msc2409.push_ephemeral"]).toBe(true);
  });

  it("escapes regex characters in templates and the domain", () => {
    const regex = new RegExp(`^${userNamespaceRegex("wa+{{id}}", "chat.example.org:8448")}$`);
    expect(regex.test("@wa+15551234567:chat.example.org:8448")).toBe(true);
    expect(regex.test("@waa15551234567:chatXexample.org:8448")).toBe(false);
  });

  it("builds a double-puppeting registration that covers the server's users without claiming them or receiving events", () => {
    const puppet = buildDoublePuppetRegistration(config(), tokens);
    expect(puppet).toMatchObject({
      id: "crosschat-doublepuppet",
      url: null,
      sender_localpart: "crosschat-doublepuppet",
      rate_limited: false,
      namespaces: { users: [{ exclusive: false, regex: "@.*:example\\.org" }], aliases: [], rooms: [] },
    });
    expect(new RegExp(`^${puppet.namespaces.users[0]?.regex}$`).test("@alice:example.org")).toBe(true);
    expect(new RegExp(`^${puppet.namespaces.users[0]?.regex}$`).test("@alice:example.org.evil")).toBe(false);
  });

  it("generates fresh, distinct, unguessable tokens", () => {
    const a = generateTokens();
    const b = generateTokens();
    expect(a.as_token).toMatch(/^[0-9a-f]{64}$/);
    expect(a.as_token).not.toBe(a.hs_token);
    expect(a.as_token).not.toBe(b.as_token);
  });

  it("reports nothing when the registration matches the config", () => {
    expect(registrationMismatches(buildRegistration(config(), tokens), config())).toEqual([]);
  });

  it("reports each way a registration differs from the config", () => {
    const stale = buildRegistration(config(), tokens);
    const changed = config({
      appservice: { id: "other", public_url: "http://bridge:1234", bot: { localpart: "bridgebot" } },
      networks: { whatsapp: { enabled: false } },
    });
    const problems = registrationMismatches({ ...stale, rate_limited: true }, changed);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe('id is "crosschat" but the config (appservice.id) says "other"');
    expect(problems[1]).toBe(
      'url is "http://127.0.0.1:29340" but the config (appservice.public_url) says "http://bridge:1234"',
    );
    expect(problems[2]).toContain("sender_localpart");
    expect(problems[3]).toContain("namespaces.users");
    expect(problems[4]).toContain("rate_limited must be false");
  });

  it("ships a top-level registration.yaml generated from config.sample.yaml, with sample tokens", () => {
    const path = join(PACKAGE_ROOT, "registration.yaml");
    const shipped = readRegistrationFile(path);
    expect(shipped.as_token).toMatch(/^SAMPLE_/);
    expect(shipped.hs_token).toMatch(/^SAMPLE_/);
    const expected = renderRegistration(
      buildRegistration(loadConfig(join(PACKAGE_ROOT, "config.sample.yaml"), {}), shipped),
      GENERATED_HEADER,
    );
    // If this fails, regenerate it (tokens are kept):
    //   node dist/cli/main.js generate-registration -c config.sample.yaml -f registration.yaml
    expect(readFileSync(path, "utf8")).toBe(expected);
  });
});
