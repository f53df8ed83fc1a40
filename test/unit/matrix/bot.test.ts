import { beforeEach, describe, expect, it } from "@jest/globals";
import winston from "winston";
import { Bot, type BotMatrixActions, type ManagementRoomStore } from "../../../src/matrix/bot/bot.js";
import { registerBuiltinCommands } from "../../../src/matrix/bot/builtin-commands.js";
import { CommandRegistry, type Reply } from "../../../src/matrix/bot/commands.js";
import type { MatrixEvent } from "../../../src/matrix/events.js";
import { VERSION } from "../../../src/version.js";

const BOT = "@crosschat:example.org";

class MemoryRooms implements ManagementRoomStore {
  readonly byUser = new Map<string, string>();
  get(userId: string) {
    return this.byUser.get(userId);
  }
  set(userId: string, roomId: string) {
    this.byUser.set(userId, roomId);
  }
  findUserByRoom(roomId: string) {
    return [...this.byUser].find(([, room]) => room === roomId)?.[0];
  }
  remove(userId: string) {
    this.byUser.delete(userId);
  }
}

/** Records what the bot asked the homeserver to do. */
class RecordingMatrix implements BotMatrixActions {
  readonly actions: string[] = [];
  readonly notices: { roomId: string; reply: Reply }[] = [];
  async join(roomId: string) {
    this.actions.push(`join ${roomId}`);
  }
  async leave(roomId: string, reason?: string) {
    this.actions.push(`leave ${roomId}${reason ? `: ${reason}` : ""}`);
  }
  async sendNotice(roomId: string, reply: Reply) {
    this.notices.push({ roomId, reply });
  }
}

let event = 0;
function memberEvent(sender: string, roomId: string, stateKey: string, membership: string, isDirect = true): MatrixEvent {
  return {
    event_id: `$e${++event}`,
    room_id: roomId,
    sender,
    type: "m.room.member",
    state_key: stateKey,
    origin_server_ts: Date.now(),
    content: { membership, ...(isDirect ? { is_direct: true } : {}) },
  };
}
function textEvent(sender: string, roomId: string, body: string, extra: Record<string, unknown> = {}): MatrixEvent {
  return {
    event_id: `$e${++event}`,
    room_id: roomId,
    sender,
    type: "m.room.message",
    origin_server_ts: Date.now(),
    content: { msgtype: "m.text", body, ...extra },
  };
}

describe("the bridge bot", () => {
  let rooms: MemoryRooms;
  let matrix: RecordingMatrix;
  let bot: Bot;

  beforeEach(() => {
    rooms = new MemoryRooms();
    matrix = new RecordingMatrix();
    const commands = new CommandRegistry();
    registerBuiltinCommands(commands);
    commands.register({
      name: "shutdown",
      usage: "",
      summary: "admin only",
      requires: "admin",
      async run(context) {
        await context.reply({ text: "ok" });
      },
    });
    commands.register({
      name: "explode",
      usage: "<how>",
      summary: "fails",
      requires: "user",
      async run() {
        throw new Error("the network is down");
      },
    });
    bot = new Bot({
      userId: BOT,
      permissions: { "*": "relay", "example.org": "user", "@root:example.org": "admin", "@troll:example.org": "block" },
      commands,
      rooms,
      matrix,
      logger: winston.createLogger({ silent: true }),
    });
  });

  it("joins a permitted user's direct chat, records it as their management room and greets them", async () => {
    await bot.onInvite(memberEvent("@alice:example.org", "!dm:example.org", BOT, "invite"));
    expect(matrix.actions).toEqual(["join !dm:example.org"]);
    expect(rooms.get("@alice:example.org")).toBe("!dm:example.org");
    expect(matrix.notices[0]?.reply.text).toContain("management room");
  });

  it("declines invites from blocked and relay-only users, saying why", async () => {
    await bot.onInvite(memberEvent("@troll:example.org", "!a:x", BOT, "invite"));
    await bot.onInvite(memberEvent("@guest:other.net", "!b:x", BOT, "invite"));
    expect(matrix.actions).toEqual([
      "leave !a:x: You are not allowed to use this bridge.",
      "leave !b:x: Your account may talk through relayed portals, but not manage the bridge.",
    ]);
    expect(rooms.byUser.size).toBe(0);
  });

  it("declines an invite to a room that is not a direct chat", async () => {
    await bot.onInvite(memberEvent("@alice:example.org", "!group:x", BOT, "invite", false));
    expect(matrix.actions).toEqual(["leave !group:x: Invite me to a direct chat to manage your bridge."]);
  });

  it("lists in help only the commands the sender may use", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "help"));
    const help = matrix.notices[0]?.reply;
    expect(help?.text).toContain("• version — Show which crosschat version runs this bridge");
    expect(help?.text).toContain("• explode <how> — fails");
    expect(help?.text).not.toContain("shutdown");
    expect(help?.html).toContain("<li><code>explode &lt;how&gt;</code> — fails</li>");

    rooms.set("@root:example.org", "!root:x");
    await bot.onMessage(textEvent("@root:example.org", "!root:x", "help"));
    expect(matrix.notices[1]?.reply.text).toContain("• shutdown — admin only");
  });

  it("answers version with the running version", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "  VERSION "));
    expect(matrix.notices).toEqual([{ roomId: "!dm:x", reply: { text: `crosschat ${VERSION}` } }]);
  });

  it("refuses a command above the sender's permission, naming the level needed", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "shutdown"));
    expect(matrix.notices[0]?.reply.text).toBe("You need the 'admin' permission to use 'shutdown'.");
  });

  it("reports a failing command in the room instead of failing silently", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "explode loudly"));
    expect(matrix.notices[0]?.reply.text).toBe("'explode' failed: the network is down");
  });

  it("ignores messages from others in the room, edits, notices and non-text messages", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onMessage(textEvent("@bob:example.org", "!dm:x", "help"));
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "* help", { "m.relates_to": { rel_type: "m.replace", event_id: "$x" } }));
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "help", { msgtype: "m.notice" }));
    await bot.onMessage(textEvent("@alice:example.org", "!dm:x", "   "));
    expect(matrix.notices).toEqual([]);
  });

  it("forgets a management room it was kicked from, without trying to leave it", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onLeave(memberEvent("@alice:example.org", "!dm:x", BOT, "leave"));
    expect(rooms.get("@alice:example.org")).toBeUndefined();
    expect(matrix.actions).toEqual([]);
  });

  it("leaves and forgets the management room when its owner leaves", async () => {
    rooms.set("@alice:example.org", "!dm:x");
    await bot.onLeave(memberEvent("@bob:example.org", "!dm:x", "@bob:example.org", "leave"));
    expect(rooms.get("@alice:example.org")).toBe("!dm:x");
    await bot.onLeave(memberEvent("@alice:example.org", "!dm:x", "@alice:example.org", "leave"));
    expect(rooms.get("@alice:example.org")).toBeUndefined();
    expect(matrix.actions).toEqual(["leave !dm:x"]);
  });
});
