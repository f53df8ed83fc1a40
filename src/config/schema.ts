/**
 * The configuration schema: the single source of both validation and the `Config` type.
 *
 * Every object is strict, so an unknown key (usually a typo) is reported instead of silently
 * doing nothing. Defaults live here and nowhere else; config.sample.yaml documents them and a
 * test keeps the two in step.
 */
import { z } from "zod";

import { NETWORK_IDS, type NetworkId } from "../network/ids.js";

export { NETWORK_IDS, type NetworkId };

export const PERMISSION_LEVELS = ["block", "relay", "user", "admin"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;

/** The placeholder a localpart template must contain exactly once: the remote person's stable id. */
export const LOCALPART_ID_PLACEHOLDER = "{{id}}";

// Matrix user id grammar (spec: "historical" localparts are not allowed for new users).
const LOCALPART_CHARS = /^[a-z0-9._=/+-]+$/;
const SERVER_NAME = /^(\[[0-9a-fA-F:.]+\]|[0-9A-Za-z.-]+)(:[0-9]{1,5})?$/;
const USER_ID = /^@[a-z0-9._=/+-]+:(\[[0-9a-fA-F:.]+\]|[0-9A-Za-z.-]+)(:[0-9]{1,5})?$/;

const httpUrl = z
  .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
  .transform((url) => url.replace(/\/+$/, ""));

const port = z.number().int().min(1).max(65535);

const localpart = z
  .string()
  .min(1)
  .regex(LOCALPART_CHARS, "expected a Matrix localpart: lower-case letters, digits and . _ = / + -");

const localpartTemplate = z
  .string()
  .refine((t) => t.split(LOCALPART_ID_PLACEHOLDER).length === 2, {
    message: `expected a template containing ${LOCALPART_ID_PLACEHOLDER} exactly once`,
    // The later checks assume a single placeholder; without it they would report the same
    // mistake a second time in other words.
    abort: true,
  })
  .refine((t) => LOCALPART_CHARS.test(t.replace(LOCALPART_ID_PLACEHOLDER, "x")), {
    message: "expected only lower-case letters, digits and . _ = / + - around {{id}}",
  })
  .refine((t) => t !== LOCALPART_ID_PLACEHOLDER, {
    message: "expected a prefix or suffix around {{id}}, so each network gets its own namespace",
  });

/**
 * An optional setting without a default. An empty value (`file:` in YAML, which is null) means
 * "not set", so config.sample.yaml can list the key, with its comment, without choosing a value.
 */
function unsetWhenEmpty<T extends z.ZodType>(schema: T) {
  return schema
    .nullable()
    .transform((value) => value ?? undefined)
    .optional();
}

const mxcUri = z.string().regex(/^mxc:\/\/[^/]+\/.+$/, "expected an mxc:// URI");

const displaynameTemplate = z
  .string()
  .min(1)
  .refine((t) => /\{\{(name|id)\}\}/.test(t), {
    message: "expected a template containing {{name}} or {{id}}",
  });

function networkSchema(defaults: {
  port: number;
  localpart: string;
  displayname: string;
}) {
  return z
    .strictObject({
      enabled: z.boolean().default(true),
      url: httpUrl.default(`http://127.0.0.1:${defaults.port}`),
      localpart_template: localpartTemplate.default(defaults.localpart),
      displayname_template: displaynameTemplate.default(defaults.displayname),
      // How a group portal's room is named from the group's name; set e.g. "{{name}} (WhatsApp)"
      // to mark the network in the name as well as in the room's m.bridge state.
      group_name_template: z
        .string()
        .refine((t) => t.split("{{name}}").length === 2, { message: "expected a template containing {{name}} exactly once" })
        .default("{{name}}"),
      // An mxc:// image marking the network: the picture of group rooms that have none of
      // their own, and the network's icon in the rooms' MSC2346 m.bridge state.
      room_avatar: unsetWhenEmpty(mxcUri),
      // The bridge's own pacing of one account's sends and actions; unset keys take the
      // network's published limits (Instagram: 30 and 60), 0 turns that pacing off.
      rate_limit: z
        .strictObject({
          sends_per_minute: unsetWhenEmpty(z.number().int().min(0)),
          actions_per_minute: unsetWhenEmpty(z.number().int().min(0)),
        })
        .prefault({}),
      // crosschat as this network's interoperability provider (docs/cross-network.md).
      cross_network: z
        .strictObject({
          enabled: z.boolean().default(false),
          // The network's admin token: used once, to register the bridge as a provider.
          admin_token: unsetWhenEmpty(z.string().min(1)),
          provider_name: z.string().min(1).max(64).default("crosschat"),
          // An edit this network refuses (past its window, over its count): sent as a new
          // message marked as a correction, or dropped with a notice to the sender.
          edit_fallback: z.enum(["correction", "drop"]).default("correction"),
          // A second reaction from the same person (this network keeps one each): it replaces
          // the first here, or is dropped with a notice.
          reaction_fallback: z.enum(["replace", "drop"]).default("replace"),
          // A reply to a message this network never got: sent with the message quoted, or as
          // a plain message.
          reply_fallback: z.enum(["quote", "plain"]).default("quote"),
        })
        .prefault({}),
    })
    .prefault({});
}

/** Where a process on the same host reaches a listener bound to `bindAddress`. */
function reachableHost(bindAddress: string): string {
  if (bindAddress === "0.0.0.0") return "127.0.0.1";
  if (bindAddress === "::") return "[::1]";
  return bindAddress.includes(":") && !bindAddress.startsWith("[") ? `[${bindAddress}]` : bindAddress;
}

const permissionSubject = z
  .string()
  .refine((s) => s === "*" || SERVER_NAME.test(s) || USER_ID.test(s), {
    message: "expected '*', a server name such as example.org, or a user id such as @alice:example.org",
  });

export const ConfigSchema = z
  .strictObject({
    homeserver: z.strictObject({
      url: httpUrl,
      domain: z.string().regex(SERVER_NAME, "expected a server name such as example.org"),
    }),
    appservice: z
      .strictObject({
        id: z.string().min(1).default("crosschat"),
        bind_address: z.string().min(1).default("127.0.0.1"),
        port: port.default(29340),
        // Derived from bind_address and port below when not given.
        public_url: httpUrl.optional(),
        alias_prefix: localpart.default("crosschat_"),
        bot: z
          .strictObject({
            localpart: localpart.default("crosschat"),
            displayname: z.string().default("crosschat bridge bot"),
            avatar: unsetWhenEmpty(mxcUri),
          })
          .prefault({}),
      })
      .transform((appservice) => ({
        ...appservice,
        public_url: appservice.public_url ?? `http://${reachableHost(appservice.bind_address)}:${appservice.port}`,
      }))
      .prefault({}),
    database: z
      .strictObject({
        path: z.string().min(1).default("crosschat.db"),
      })
      .prefault({}),
    logging: z
      .strictObject({
        level: z.enum(LOG_LEVELS).default("info"),
        format: z.enum(["pretty", "json"]).default("pretty"),
        file: unsetWhenEmpty(z.string().min(1)),
      })
      .prefault({}),
    bridge: z
      .strictObject({
        backfill_limit: z.number().int().min(0).max(1000).default(20),
        command_prefix: z.string().min(1).regex(/^\S+$/, "expected a prefix without spaces, such as !cc").default("!cc"),
        // The double-puppeting registration (see generate-registration); unset turns it off.
        double_puppet_registration: unsetWhenEmpty(z.string().min(1)),
        // Whether WhatsApp contacts' phone numbers may show on Matrix (in ghosts' ids, and as the
        // name of someone without one). Off: ghosts get ids the number cannot be read from.
        phone_numbers_on_matrix: z.boolean().default(false),
      })
      .prefault({}),
    permissions: z
      .record(permissionSubject, z.enum(PERMISSION_LEVELS))
      .default({ "*": "relay" }),
    networks: z
      .strictObject({
        whatsapp: networkSchema({
          port: 29411,
          localpart: "whatsapp_{{id}}",
          displayname: "{{name}} (WhatsApp)",
        }),
        messenger: networkSchema({
          port: 29412,
          localpart: "messenger_{{id}}",
          displayname: "{{name}} (Messenger)",
        }),
        instagram: networkSchema({
          port: 29413,
          localpart: "instagram_{{id}}",
          displayname: "{{name}} (Instagram)",
        }),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    // Namespaces must not overlap, or two networks (or a network and the bot) would claim the
    // same Matrix user and the registration could not tell them apart.
    const claims: { owner: string; prefix: string; suffix: string; path: (string | number)[] }[] = [];
    for (const network of NETWORK_IDS) {
      const settings = config.networks[network];
      if (!settings.enabled) continue;
      const [prefix = "", suffix = ""] = settings.localpart_template.split(LOCALPART_ID_PLACEHOLDER);
      claims.push({ owner: network, prefix, suffix, path: ["networks", network, "localpart_template"] });
    }
    for (const [i, a] of claims.entries()) {
      for (const b of claims.slice(i + 1)) {
        if (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)) {
          if (a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix)) {
            ctx.addIssue({
              code: "custom",
              path: b.path,
              message: `expected a namespace distinct from networks.${a.owner}.localpart_template (both could produce the same user id)`,
            });
          }
        }
      }
      const bot = config.appservice.bot.localpart;
      if (bot.startsWith(a.prefix) && bot.endsWith(a.suffix) && bot.length > a.prefix.length + a.suffix.length) {
        ctx.addIssue({
          code: "custom",
          path: ["appservice", "bot", "localpart"],
          message: `expected a bot localpart outside networks.${a.owner}.localpart_template's namespace`,
        });
      }
    }
  });

/** The validated configuration, with every default filled in. */
export type Config = z.output<typeof ConfigSchema>;
export type NetworkConfig = Config["networks"][NetworkId];
