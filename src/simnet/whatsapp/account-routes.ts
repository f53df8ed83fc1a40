/**
 * What a logged-in device does with its account: who am I, device lists (with public keys, for
 * encrypting), unlinking devices, logging out, the profile, the "third-party chats" settings
 * (turning them on tells every provider; off leaves every third-party chat), and looking up
 * which phone numbers are on WhatsApp.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { deviceInfo, linkedDeviceInfo } from "./accounts.js";
import { authenticate, fanout, requirePhone, type Wa } from "./context.js";
import { unlinkAll, unlinkDevice } from "./devices.js";
import { forbidden } from "./errors.js";
import { isUserJid, LIMITS, normalizePhone, parseDeviceJid, userJid } from "./protocol.js";
import { pushNameSchema } from "./registration.js";
import { isProviderDeviceJid, type InteropSettings } from "./interop-protocol.js";
import { optOut } from "./interop/departures.js";
import { feedOptIn } from "./interop/feed.js";

const settingsSchema = z
  .object({ third_party_chats: z.boolean().optional(), discoverable_by_phone: z.boolean().optional() })
  .refine((s) => s.third_party_chats !== undefined || s.discoverable_by_phone !== undefined, "name a setting to change");

function settingsOf(wa: Wa, user: string): InteropSettings {
  const account = wa.accounts.require(user);
  return { third_party_chats: account.third_party_chats, discoverable_by_phone: account.discoverable_by_phone };
}
const profileSchema = z.object({ push_name: pushNameSchema.optional(), about: z.string().max(LIMITS.maxAboutChars).optional() });
const lookupSchema = z.object({ phones: z.array(z.string().max(32)).min(1).max(256) });

export function accountRoutes(wa: Wa, routes: Router): void {
  routes.add("GET", "/v1/me", ({ token }) => {
    const authed = authenticate(wa, token);
    return {
      body: {
        account: wa.accounts.require(authed.user),
        device: deviceInfo(authed.device),
        devices: wa.accounts.devices(authed.user).map(linkedDeviceInfo),
      },
    };
  });

  routes.add("GET", "/v1/devices", ({ token, query }) => {
    authenticate(wa, token);
    const jids = (query.get("jids") ?? "").split(",").filter((j) => j.length > 0);
    if (jids.length === 0 || jids.length > 256) throw badRequest("invalid_argument", "'jids' must list 1-256 user JIDs, comma-separated");
    const devices: Record<string, ReturnType<typeof deviceInfo>[]> = {};
    for (const jid of jids) {
      if (isProviderDeviceJid(jid)) {
        // A third-party provider's one device: what its copies are decrypted with.
        const provider = wa.interop.providers.device(jid.split("@")[0] ?? "");
        devices[jid] = provider ? [deviceInfo(provider)] : [];
        continue;
      }
      if (!isUserJid(jid)) throw badRequest("invalid_jid", `'${jid}' is neither a user JID nor a provider's device`);
      devices[jid] = wa.accounts.devices(jid).map(deviceInfo);
    }
    return { body: { devices } };
  });

  routes.add("DELETE", "/v1/devices/:device", ({ token, params }) => {
    const authed = authenticate(wa, token);
    requirePhone(authed);
    const device = /^\d{1,3}$/.test(params.device ?? "") ? Number(params.device) : parseDeviceJid(params.device ?? "")?.device;
    if (device === undefined) throw badRequest("invalid_device", "name the device by its number or device JID");
    if (device === 0) throw forbidden("cannot_unlink_phone", "the phone cannot unlink itself; log out instead");
    unlinkDevice(wa, authed.user, device, "unlinked");
    return { body: {} };
  });

  routes.add("POST", "/v1/logout", ({ token }) => {
    const authed = authenticate(wa, token);
    if (authed.device.device === 0) unlinkAll(wa, authed.user, "logout", "primary_logged_out");
    else unlinkDevice(wa, authed.user, authed.device.device, "logout");
    return { body: {} };
  });

  routes.add("GET", "/v1/settings", ({ token }) => ({ body: settingsOf(wa, authenticate(wa, token).user) }));

  routes.add("PUT", "/v1/settings", ({ token, body }) => {
    const authed = authenticate(wa, token);
    const change = parse(settingsSchema, body);
    const settings = wa.streams.transaction(() => {
      const wasOn = wa.accounts.require(authed.user).third_party_chats;
      wa.accounts.setInteropSettings(authed.user, change);
      if (wasOn && change.third_party_chats === false) optOut(wa, authed.user);
      if (!wasOn && change.third_party_chats === true) feedOptIn(wa, authed.user);
      const now = settingsOf(wa, authed.user);
      fanout(wa, [authed.user], "notification", () => ({ kind: "settings", ...now, t: wa.now() }), authed.session.id);
      return now;
    });
    return { body: settings };
  });

  routes.add("PUT", "/v1/profile", ({ token, body }) => {
    const authed = authenticate(wa, token);
    const profile = parse(profileSchema, body);
    wa.accounts.updateProfile(authed.user, { pushName: profile.push_name, about: profile.about });
    return { body: wa.accounts.require(authed.user) };
  });

  routes.add("POST", "/v1/contacts/lookup", ({ token, body }) => {
    authenticate(wa, token);
    const { phones } = parse(lookupSchema, body);
    const results = phones.map((input) => {
      const phone = normalizePhone(input);
      const account = phone === undefined ? undefined : wa.accounts.get(userJid(phone));
      if (!account?.registered) return { input, exists: false };
      return { input, exists: true, jid: account.jid, push_name: account.push_name, about: account.about, avatar: account.avatar };
    });
    return { body: { results } };
  });
}
