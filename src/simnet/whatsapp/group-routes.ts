/**
 * Groups: the creator is super-admin; admins add, remove, promote and demote; everyone may
 * change the subject, description and picture unless the group is restricted (then admins
 * only); in announcement mode only admins send. Each change is a stored notification stanza to
 * every participant's devices, the people it removed included. A third-party group (interop/)
 * follows the same rules, its identities included; its provider hears of each change.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { decodeBase64 } from "../core/media.js";
import { parse } from "../core/validate.js";
import { authenticate, fanout, type Authed, type Wa } from "./context.js";
import type { ChatRef, GroupField, Role } from "./chats.js";
import { conflict, forbidden } from "./errors.js";
import { isUserJid, LIMITS, type GroupAction, type GroupInfo } from "./protocol.js";
import { isIdentityJid } from "./interop-protocol.js";
import { feedGroupChange } from "./interop/feed.js";
import { admissionRefusal, requireAdmissible } from "./interop/membership.js";

// Third-party identities (`t…@interop`) may be members of third-party groups.
const jidList = z.array(z.string().refine((jid) => isUserJid(jid) || isIdentityJid(jid), "not a user JID")).min(1).max(LIMITS.maxGroupSize);
const createSchema = z.object({ subject: z.string().trim().min(1).max(LIMITS.maxSubjectChars), participants: jidList });
const participantsSchema = z.object({ action: z.enum(["add", "remove", "promote", "demote"]), participants: jidList });
const subjectSchema = z.object({ subject: z.string().trim().min(1).max(LIMITS.maxSubjectChars) });
const descriptionSchema = z.object({ description: z.string().max(LIMITS.maxDescriptionChars) });
const pictureSchema = z.object({ data: z.string().nullable() });
const settingsSchema = z.object({ announce: z.boolean().optional(), restrict: z.boolean().optional() });

export type GroupChat = Extract<ChatRef, { kind: "group" }>;

/**
 * Tells every participant (and `extra` people, such as those just removed) about a change, and
 * a third-party group's provider too.
 */
function notifyGroup(wa: Wa, group: string, by: string, action: GroupAction, fields: Record<string, unknown>, extra: string[] = []): void {
  const users = new Set([...wa.chats.members(group).map((m) => m.user), ...extra]);
  const payload = { kind: "group", action, group, by, ...fields, t: wa.now() };
  fanout(wa, users, "notification", () => payload);
  feedGroupChange(wa, group, by, action, fields);
}

/**
 * Adds members to a new group and tells them; shared by the client route, the admin API and
 * third-party chats (`provider`: the group is that provider's).
 */
export function createGroup(wa: Wa, creator: string, subject: string, participants: string[], options: { admins?: string[]; provider?: string } = {}): GroupInfo {
  const others = [...new Set(participants)].filter((jid) => jid !== creator);
  const admins = options.admins ?? [];
  if (others.length + 1 > LIMITS.maxGroupSize) throw conflict("group_full", `a group holds at most ${LIMITS.maxGroupSize} participants`);
  requireAdmissible(wa, options.provider, others);
  return wa.streams.transaction(() => {
    const jid = wa.chats.createGroup(creator, subject);
    if (options.provider !== undefined) wa.interop.chats.markGroup(jid, options.provider, creator);
    for (const user of others) wa.chats.setMember(jid, user, admins.includes(user) ? "admin" : "member");
    const info = wa.chats.requireGroup(jid);
    notifyGroup(wa, jid, creator, "create", { subject, participants: info.participants });
    return info;
  });
}

const isAdmin = (role: Role | undefined) => role === "admin" || role === "superadmin";

function groupOf(wa: Wa, authed: Authed, jid: string): GroupChat {
  const chat = wa.chats.resolve(authed.user, jid);
  if (chat.kind !== "group") throw forbidden("not_a_group", `${jid} is not a group`);
  return chat;
}

export function requireAdmin(chat: GroupChat): void {
  if (!isAdmin(chat.role)) throw forbidden("not_admin", "only group admins may do this");
}

/** Applies a participant change person by person; each gets WhatsApp's own answer. */
export function changeParticipants(wa: Wa, authed: Authed, chat: GroupChat, action: "add" | "remove" | "promote" | "demote", jids: string[]) {
  const roles = new Map(wa.chats.members(chat.group).map((m) => [m.user, m.role]));
  const results = jids.map((jid) => {
    const role = roles.get(jid);
    if (action === "add") {
      if (role) return { jid, status: 409, text: "already_participant" };
      const refusal = admissionRefusal(wa, chat.thirdParty?.provider, jid);
      if (refusal) return { jid, ...refusal };
      if (roles.size >= LIMITS.maxGroupSize) return { jid, status: 409, text: "group_full" };
      wa.chats.setMember(chat.group, jid, "member");
      roles.set(jid, "member");
      return { jid, status: 200 };
    }
    if (!role) return { jid, status: 404, text: "not_a_participant" };
    if (role === "superadmin" && jid !== authed.user) return { jid, status: 403, text: "is_superadmin" };
    if (action === "remove") wa.chats.removeMember(chat.group, jid);
    else wa.chats.setMember(chat.group, jid, action === "promote" ? (role === "superadmin" ? role : "admin") : "member");
    return { jid, status: 200 };
  });
  const changed = results.filter((r) => r.status === 200).map((r) => r.jid);
  if (changed.length > 0) notifyGroup(wa, chat.group, authed.user, action, { participants: changed }, action === "remove" ? changed : []);
  return results;
}

/** `user` leaves; a group is never left without an admin: the longest-standing member takes over. */
export function leaveGroup(wa: Wa, group: string, user: string): void {
  wa.chats.removeMember(group, user);
  const rest = wa.chats.members(group);
  const heir = rest.some((m) => isAdmin(m.role)) ? undefined : rest[0];
  if (heir) wa.chats.setMember(group, heir.user, "admin");
  notifyGroup(wa, group, user, "leave", { participants: [user] }, [user]);
  if (heir) notifyGroup(wa, group, user, "promote", { participants: [heir.user] });
}

export function groupRoutes(wa: Wa, routes: Router): void {
  const withGroup = (handler: (authed: Authed, chat: GroupChat, body: unknown) => unknown) => ({
    token,
    params,
    body,
  }: {
    token: string | undefined;
    params: Record<string, string>;
    body: unknown;
  }) => {
    const authed = authenticate(wa, token);
    return { body: wa.streams.transaction(() => handler(authed, groupOf(wa, authed, params.jid ?? ""), body)) ?? {} };
  };
  const setField = (field: GroupField, action: GroupAction, value: (body: unknown, chat: GroupChat, authed: Authed) => string | number | null) =>
    withGroup((authed, chat, body) => {
      const group = wa.chats.requireGroup(chat.group);
      if (group.restrict && !isAdmin(chat.role)) throw forbidden("not_admin", "this group lets only admins change its info");
      const next = value(body, chat, authed);
      wa.chats.update(chat.group, field, next);
      notifyGroup(wa, chat.group, authed.user, action, { [field]: next });
      return wa.chats.requireGroup(chat.group);
    });

  routes.add("POST", "/v1/groups", ({ token, body }) => {
    const authed = authenticate(wa, token);
    const request = parse(createSchema, body);
    return { body: createGroup(wa, authed.user, request.subject, request.participants) };
  });
  routes.add("GET", "/v1/groups/:jid", withGroup((_authed, chat) => wa.chats.requireGroup(chat.group)));
  const asAdmin = <S extends z.ZodType>(schema: S, handler: (authed: Authed, chat: GroupChat, request: z.infer<S>) => unknown) =>
    withGroup((authed, chat, body) => {
      requireAdmin(chat);
      return handler(authed, chat, parse(schema, body));
    });
  routes.add(
    "POST",
    "/v1/groups/:jid/participants",
    asAdmin(participantsSchema, (authed, chat, request) => ({
      results: changeParticipants(wa, authed, chat, request.action, request.participants),
      group: wa.chats.requireGroup(chat.group),
    })),
  );
  routes.add("PUT", "/v1/groups/:jid/subject", setField("subject", "subject", (body) => parse(subjectSchema, body).subject));
  routes.add("PUT", "/v1/groups/:jid/description", setField("description", "description", (body) => parse(descriptionSchema, body).description));
  routes.add(
    "PUT",
    "/v1/groups/:jid/picture",
    setField("picture", "picture", (body, chat, authed) => {
      const { data } = parse(pictureSchema, body);
      if (data === null) return null;
      return wa.media.put(authed.user, "image/jpeg", decodeBase64(data, wa.options.mediaLimits.image), "gp").id;
    }),
  );
  routes.add(
    "PUT",
    "/v1/groups/:jid/settings",
    asAdmin(settingsSchema, (authed, chat, settings) => {
      for (const [key, field] of [["announce", "announce"], ["restrict", "restrict_info"]] as const) {
        const value = settings[key];
        if (value === undefined) continue;
        wa.chats.update(chat.group, field, value ? 1 : 0);
        notifyGroup(wa, chat.group, authed.user, key, { [key]: value });
      }
      return wa.chats.requireGroup(chat.group);
    }),
  );
  routes.add(
    "POST",
    "/v1/groups/:jid/leave",
    withGroup((authed, chat) => {
      leaveGroup(wa, chat.group, authed.user);
      return {};
    }),
  );
}
