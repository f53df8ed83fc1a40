/**
 * The appservice registration: derived from the config, written by `generate-registration`,
 * read at start-up and checked against the config so a stale registration cannot silently
 * route the wrong users to the bridge (or none at all).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { NETWORK_IDS, LOCALPART_ID_PLACEHOLDER, type Config } from "../config/schema.js";

const namespaceEntry = z.object({ exclusive: z.boolean(), regex: z.string().min(1) });

/** What crosschat needs from a registration file; other keys are kept as they are. */
export const RegistrationSchema = z.looseObject({
  id: z.string().min(1),
  url: z.string().nullable(),
  as_token: z.string().min(1),
  hs_token: z.string().min(1),
  sender_localpart: z.string().min(1),
  rate_limited: z.boolean().optional(),
  namespaces: z.object({
    users: z.array(namespaceEntry).default([]),
    aliases: z.array(namespaceEntry).default([]),
    rooms: z.array(namespaceEntry).default([]),
  }),
  protocols: z.array(z.string()).optional(),
  receive_ephemeral: z.boolean().optional(),
  "de.sorunome.msc2409.push_ephemeral": z.boolean().optional(),
});
export type Registration = z.output<typeof RegistrationSchema>;

export interface RegistrationTokens {
  as_token: string;
  hs_token: string;
}

export function generateTokens(): RegistrationTokens {
  return { as_token: randomBytes(32).toString("hex"), hs_token: randomBytes(32).toString("hex") };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The user-id regex that a localpart template claims on this homeserver. */
export function userNamespaceRegex(localpartTemplate: string, domain: string): string {
  const [prefix = "", suffix = ""] = localpartTemplate.split(LOCALPART_ID_PLACEHOLDER);
  return `@${escapeRegex(prefix)}.+${escapeRegex(suffix)}:${escapeRegex(domain)}`;
}

export function aliasNamespaceRegex(aliasPrefix: string, domain: string): string {
  return `#${escapeRegex(aliasPrefix)}.+:${escapeRegex(domain)}`;
}

export function enabledNetworks(config: Config): (typeof NETWORK_IDS)[number][] {
  return NETWORK_IDS.filter((network) => config.networks[network].enabled);
}

/** The registration the config calls for, with the given tokens. */
export function buildRegistration(config: Config, tokens: RegistrationTokens): Registration {
  const domain = config.homeserver.domain;
  const networks = enabledNetworks(config);
  return {
    id: config.appservice.id,
    url: config.appservice.public_url,
    as_token: tokens.as_token,
    hs_token: tokens.hs_token,
    sender_localpart: config.appservice.bot.localpart,
    rate_limited: false,
    namespaces: {
      users: networks.map((network) => ({
        exclusive: true,
        regex: userNamespaceRegex(config.networks[network].localpart_template, domain),
      })),
      aliases: [{ exclusive: true, regex: aliasNamespaceRegex(config.appservice.alias_prefix, domain) }],
      rooms: [],
    },
    protocols: networks,
    // Typing, receipts and presence: the stable key for homeservers that implement MSC2409 as
    // merged, the unstable one because matrix-appservice-bridge only reads that.
    receive_ephemeral: true,
    "de.sorunome.msc2409.push_ephemeral": true,
  };
}

function describeNamespaces(entries: { exclusive: boolean; regex: string }[]): string {
  if (entries.length === 0) return "none";
  return entries.map((e) => `${e.regex}${e.exclusive ? "" : " (not exclusive)"}`).join(", ");
}

function sameNamespaces(a: { exclusive: boolean; regex: string }[], b: { exclusive: boolean; regex: string }[]) {
  const key = (e: { exclusive: boolean; regex: string }) => `${e.exclusive}:${e.regex}`;
  const left = new Set(a.map(key));
  const right = new Set(b.map(key));
  return left.size === right.size && [...left].every((k) => right.has(k));
}

/**
 * Every way the registration differs from what the config calls for, as sentences; empty when
 * they match. Tokens are not compared: they are the registration's own.
 */
export function registrationMismatches(actual: Registration, config: Config): string[] {
  const expected = buildRegistration(config, { as_token: "", hs_token: "" });
  const problems: string[] = [];
  const scalar = (key: "id" | "url" | "sender_localpart", configKey: string) => {
    if (actual[key] !== expected[key]) {
      problems.push(
        `${key} is ${JSON.stringify(actual[key])} but the config (${configKey}) says ${JSON.stringify(expected[key])}`,
      );
    }
  };
  scalar("id", "appservice.id");
  scalar("url", "appservice.public_url");
  scalar("sender_localpart", "appservice.bot.localpart");
  if (!sameNamespaces(actual.namespaces.users, expected.namespaces.users)) {
    problems.push(
      `namespaces.users is [${describeNamespaces(actual.namespaces.users)}] but the enabled networks' ` +
        `localpart templates call for [${describeNamespaces(expected.namespaces.users)}]`,
    );
  }
  if (!sameNamespaces(actual.namespaces.aliases, expected.namespaces.aliases)) {
    problems.push(
      `namespaces.aliases is [${describeNamespaces(actual.namespaces.aliases)}] but appservice.alias_prefix ` +
        `calls for [${describeNamespaces(expected.namespaces.aliases)}]`,
    );
  }
  if (actual.rate_limited !== false) {
    problems.push("rate_limited must be false, or the homeserver will throttle the bridge's ghosts");
  }
  return problems;
}

/**
 * The double-puppeting registration: no URL (the homeserver sends it nothing) and a
 * non-exclusive namespace over every user of the server, so its token may act as any of them.
 * The bridge uses it only for its logged-in users, to make what they do elsewhere appear as
 * done by their own Matrix account.
 */
export function buildDoublePuppetRegistration(config: Config, tokens: RegistrationTokens): Registration {
  return {
    id: `${config.appservice.id}-doublepuppet`,
    url: null,
    as_token: tokens.as_token,
    hs_token: tokens.hs_token,
    sender_localpart: `${config.appservice.bot.localpart}-doublepuppet`,
    rate_limited: false,
    namespaces: {
      users: [{ exclusive: false, regex: `@.*:${escapeRegex(config.homeserver.domain)}` }],
      aliases: [],
      rooms: [],
    },
  };
}
