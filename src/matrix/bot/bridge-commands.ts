/** The commands that act on the networks: logging in and out, chats, relays and status. */
import type { BridgeCore } from "../../core/bridge.js";
import type { Gateway } from "../../gateway/gateway.js";
import type { ActiveLogin } from "../../core/logins.js";
import { NETWORK_NAMES } from "../../core/portals.js";
import { NETWORK_IDS, type NetworkId } from "../../network/index.js";
import type { LoginRecord } from "../../storage/repositories/logins.js";
import { escapeHtml } from "../html.js";
import type { BotCommand, CommandContext, CommandRegistry } from "./commands.js";
import type { LoginConversations } from "./login-conversation.js";

function parseNetwork(core: BridgeCore, value: string | undefined): NetworkId | string {
  const network = NETWORK_IDS.find((id) => id === value?.toLowerCase());
  if (!network) return `Name a network: ${core.networks.join(", ")}.`;
  if (!core.connector(network)) return `${NETWORK_NAMES[network]} is not enabled on this bridge.`;
  return network;
}

const isNetwork = (value: string): value is NetworkId => (NETWORK_IDS as readonly string[]).includes(value);

/** How people are found on each network. */
const IDENTIFIERS: Record<NetworkId, string> = { whatsapp: "phone number", messenger: "email or account id", instagram: "username" };

function describeLogin(login: LoginRecord, active: ActiveLogin | undefined): string {
  const state = login.state === "logged-out" ? "logged out: log in again" : active ? active.session.state : "not connected";
  return `${NETWORK_NAMES[login.network]}: ${login.remoteName} (${login.remoteUserId}), ${state}`;
}

/** The login a command acts on: the only one on the network, or the one whose id or name was given. */
function pickLogin(core: BridgeCore, context: CommandContext, network: NetworkId, which?: string): ActiveLogin | string {
  const logins = core.logins.activeFor(context.sender, network);
  const chosen = which ? logins.filter((l) => l.record.remoteUserId.includes(which) || l.record.remoteName === which) : logins;
  if (chosen.length === 1) return chosen[0] as ActiveLogin;
  if (chosen.length === 0) return `You have no connected ${NETWORK_NAMES[network]} login. Send 'login ${network}' first.`;
  return `You have several ${NETWORK_NAMES[network]} logins; name one: ${chosen.map((l) => l.record.remoteUserId).join(", ")}.`;
}

export function registerBridgeCommands(registry: CommandRegistry, core: BridgeCore, conversations: LoginConversations, gateway?: Gateway): void {
  const commands: BotCommand[] = [
    {
      name: "login",
      usage: "<network>",
      summary: "Log in to a network (WhatsApp: with a pairing code you type on your phone)",
      requires: "user",
      async run(context) {
        const network = parseNetwork(core, context.args[0]);
        if (!isNetwork(network)) return context.reply({ text: network });
        await conversations.begin(context.sender, network, context.args.slice(1), context.reply);
      },
    },
    {
      name: "cancel",
      usage: "",
      summary: "Stop a login in progress",
      requires: "user",
      async run(context) {
        const cancelled = await conversations.cancel(context.sender);
        await context.reply({ text: cancelled ? "Login cancelled." : "There is no login in progress." });
      },
    },
    {
      name: "logout",
      usage: "<network> [account]",
      summary: "Log out of a network and forget the login",
      requires: "user",
      async run(context) {
        const network = parseNetwork(core, context.args[0]);
        if (!isNetwork(network)) return context.reply({ text: network });
        const stored = core.logins.forUser(context.sender).filter((l) => l.network === network);
        const which = context.args[1];
        const chosen = which ? stored.filter((l) => l.remoteUserId.includes(which) || l.remoteName === which) : stored;
        if (chosen.length === 0) return context.reply({ text: `You have no ${NETWORK_NAMES[network]} login.` });
        if (chosen.length > 1) return context.reply({ text: `You have several ${NETWORK_NAMES[network]} logins; name one: ${chosen.map((l) => l.remoteUserId).join(", ")}.` });
        const login = chosen[0] as LoginRecord;
        await core.logins.logout(login.id);
        await context.reply({ text: `Logged out of ${NETWORK_NAMES[network]} (${login.remoteName}). The portal rooms stay; nothing more is bridged for this account.` });
      },
    },
    {
      name: "list-logins",
      usage: "",
      summary: "List your logins and their state",
      requires: "user",
      async run(context) {
        const logins = core.logins.forUser(context.sender);
        if (logins.length === 0) return context.reply({ text: "You have no logins. Send 'login <network>' to add one." });
        const lines = logins.map((l) => describeLogin(l, core.logins.get(l.id)));
        await context.reply({ text: ["Your logins:", ...lines.map((l) => `• ${l}`)].join("\n"), html: `<p>Your logins:</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>` });
      },
    },
    {
      name: "ping",
      usage: "",
      summary: "Show the connection state of each of your logins",
      requires: "user",
      async run(context) {
        const logins = core.logins.forUser(context.sender);
        if (logins.length === 0) return context.reply({ text: "You have no logins." });
        const lines = logins.map((l) => {
          const active = core.logins.get(l.id);
          return `${describeLogin(l, active)}${active?.detail ? ` (${active.detail})` : ""}`;
        });
        await context.reply({ text: lines.join("\n") });
      },
    },
    {
      name: "forget",
      usage: "<network> <person>",
      summary: "Admins: erase everything the bridge stores about one person on a network (their ghost's Matrix id, or their id as stored)",
      requires: "admin",
      async run(context) {
        const network = parseNetwork(core, context.args[0]);
        if (!isNetwork(network)) return context.reply({ text: network });
        const given = context.args[1];
        if (!given) return context.reply({ text: `Name the person: their ghost's Matrix id, or their id on ${NETWORK_NAMES[network]}.` });
        const ghost = given.startsWith("@") ? core.ghosts.remoteUserOf(given) : undefined;
        if (given.startsWith("@") && ghost?.network !== network) return context.reply({ text: `${given} is not a ${NETWORK_NAMES[network]} person this bridge knows.` });
        const id = ghost?.remoteUserId ?? given;
        // The gateway first: if a network cannot withdraw them yet, the command stops there and a retry does it all.
        const crossNetwork = await (gateway?.forget(network, id) ?? Promise.resolve({ conversations: 0, person: false })).catch((error: unknown) => error as Error);
        if (crossNetwork instanceof Error) return context.reply({ text: `Not done: ${crossNetwork.message}. Try again in a while to finish erasing them.` });
        const report = await core.forgetRemotePerson(network, id);
        if (report.ghosts + report.directChats + report.messages + report.reactions + crossNetwork.conversations === 0 && !crossNetwork.person) {
          return context.reply({ text: `Nothing is stored about ${given} on ${NETWORK_NAMES[network]}.` });
        }
        const conversations = crossNetwork.conversations || crossNetwork.person ? `, and their place in ${crossNetwork.conversations} cross-network conversation(s), where they are withdrawn from the other networks` : "";
        await context.reply({
          text:
            `Forgot ${given} on ${NETWORK_NAMES[network]}: ${report.ghosts ? "their profile, " : ""}${report.directChats} direct chat(s) with everything stored for them, ` +
            `${report.messages} other message(s) and ${report.reactions} reaction(s)${conversations}. The Matrix rooms stay; if they write again, they appear anew.`,
        });
      },
    },
    {
      name: "sync",
      usage: "[network]",
      summary: "Bring in your chats and contacts as rooms",
      requires: "user",
      async run(context) {
        const wanted = context.args[0] ? parseNetwork(core, context.args[0]) : undefined;
        if (wanted !== undefined && !isNetwork(wanted)) return context.reply({ text: wanted });
        const logins = core.logins.forUser(context.sender).map((l) => core.logins.get(l.id)).filter((l): l is ActiveLogin => !!l && (!wanted || l.record.network === wanted));
        if (logins.length === 0) return context.reply({ text: "You have no connected login to sync." });
        for (const login of logins) {
          const { chats, created } = await core.syncChats(login);
          await context.reply({ text: `${NETWORK_NAMES[login.record.network]} (${login.record.remoteName}): ${chats} chats, ${created} new rooms.` });
        }
      },
    },
    {
      name: "start-chat",
      usage: "<network> <phone number, email or username>",
      summary: "Open a direct chat with someone on a network",
      requires: "user",
      async run(context) {
        const network = parseNetwork(core, context.args[0]);
        if (!isNetwork(network)) return context.reply({ text: network });
        const identifier = context.args.slice(1).join(" ").trim();
        if (!identifier) return context.reply({ text: `Say who: start-chat ${network} <${IDENTIFIERS[network]}>.` });
        // Without a login of their own, a Matrix user reaches people who take third-party chats through the gateway.
        const hasLogin = core.logins.forUser(context.sender).some((login) => login.network === network);
        const viaGateway = !hasLogin && gateway?.offers(network) === true;
        const login = viaGateway ? undefined : pickLogin(core, context, network);
        if (typeof login === "string") return context.reply({ text: login });
        const chat = login ? await core.startChat(login, identifier) : await gateway?.startDirect(context.sender, network, identifier);
        if (!chat) {
          const why = viaGateway ? " or does not take third-party chats" : "";
          return context.reply({ text: `${identifier} is not on ${NETWORK_NAMES[network]}${why}.` });
        }
        const link = `https://matrix.to/#/${encodeURIComponent(chat.roomId)}`;
        await context.reply({
          text: `${chat.created ? "Created" : "Found"} your chat with ${chat.name}: ${link} (you are invited).`,
          html: `<p>${chat.created ? "Created" : "Found"} your chat with <a href="${escapeHtml(link)}">${escapeHtml(chat.name)}</a> (you are invited).</p>`,
        });
      },
    },
    {
      name: "cross-network",
      usage: "on|off",
      summary: "Let people on the networks find you and chat with you (off: leave every cross-network chat)",
      requires: "user",
      async run(context) {
        const choice = context.args[0]?.toLowerCase();
        if (!gateway || gateway.networks.length === 0) return context.reply({ text: "This bridge offers no cross-network chat." });
        if (choice !== "on" && choice !== "off") return context.reply({ text: "Say cross-network on, or cross-network off." });
        const published = await gateway.setCrossNetwork(context.sender, choice === "on").catch((error: unknown) => error as Error);
        if (published instanceof Error) return context.reply({ text: `Not done: ${published.message}. Try again in a while.` });
        if (choice === "off") return context.reply({ text: "Cross-network chat is off: nobody on the networks can find you, and you left every cross-network chat." });
        if (published.networks.length === 0) return context.reply({ text: "No network offering cross-network chat is connected right now; try again in a while." });
        const where = published.networks.map((network) => NETWORK_NAMES[network]).join(", ");
        return context.reply({ text: `Cross-network chat is on: people on ${where} who take third-party chats can find you as ${published.handle} and start chats with you.` });
      },
    },
    {
      name: "link",
      usage: "<room id>",
      summary: "In a portal room, room admins: make this chat and another network's chat one conversation (that room's admins approve)",
      requires: "user",
      async run(context) {
        const target = context.args[0];
        if (!target?.startsWith("!")) return context.reply({ text: "Name the other portal room by its id (!...:server), after the command prefix, in this portal room." });
        if (!(await core.links.isRoomAdmin(context.roomId, context.sender))) return context.reply({ text: "Only an admin of this room can link it." });
        return context.reply({ text: await core.links.request(context.roomId, target, context.sender) });
      },
    },
    {
      name: "link-approve",
      usage: "",
      summary: "Room admins: approve the link another portal room asked for",
      requires: "user",
      async run(context) {
        if (!(await core.links.isRoomAdmin(context.roomId, context.sender))) return context.reply({ text: "Only an admin of this room can approve a link." });
        return context.reply({ text: await core.links.approve(context.roomId, context.sender) });
      },
    },
    {
      name: "link-reject",
      usage: "",
      summary: "Room admins: refuse the link another portal room asked for",
      requires: "user",
      async run(context) {
        if (!(await core.links.isRoomAdmin(context.roomId, context.sender))) return context.reply({ text: "Only an admin of this room can refuse a link." });
        return context.reply({ text: core.links.reject(context.roomId, context.sender) });
      },
    },
    {
      name: "unlink",
      usage: "",
      summary: "Room admins: put the chats linked into this room back in their own rooms",
      requires: "user",
      async run(context) {
        if (!(await core.links.isRoomAdmin(context.roomId, context.sender))) return context.reply({ text: "Only an admin of this room can unlink." });
        return context.reply({ text: await core.links.unlink(context.roomId) });
      },
    },
    {
      name: "set-relay",
      usage: "",
      summary: "In a portal room: send messages of people without a login through your login",
      requires: "user",
      async run(context) {
        const portals = core.portalsInRoom(context.roomId);
        const portal = portals[0];
        if (!portal) return context.reply({ text: "Send this in a portal room, after the command prefix." });
        const login = pickLogin(core, context, portal.network);
        if (typeof login === "string") return context.reply({ text: login });
        if (!core.portals.store.loginIds(portal.id).includes(login.record.id) && portal.receiver !== login.record.remoteUserId) {
          return context.reply({ text: `Your ${NETWORK_NAMES[portal.network]} account is not in this chat.` });
        }
        core.setRelay(context.roomId, login);
        await context.reply({ text: `Relay set: messages from people here without their own ${NETWORK_NAMES[portal.network]} login are sent through ${login.record.remoteName}, with their name in front.` });
      },
    },
    {
      name: "unset-relay",
      usage: "",
      summary: "In a portal room: stop relaying",
      requires: "user",
      async run(context) {
        const count = core.setRelay(context.roomId, undefined);
        await context.reply({ text: count > 0 ? "Relay removed: only people with their own login are bridged here." : "Send this in a portal room, after the command prefix." });
      },
    },
  ];
  for (const command of commands) registry.register(command);
}
