import type Database from "better-sqlite3";

export type ConversationKind = "direct" | "group";

export interface ConversationRecord {
  roomId: string;
  kind: ConversationKind;
  title: string | undefined;
}

export interface GatewayChatRecord {
  /** Also the chat's outbox lane. */
  id: number;
  roomId: string;
  network: string;
  chatId: string;
  /** The identity the bridge made the chat as, if it made it: the one that may add and remove members. */
  creator: string | undefined;
}

interface ChatRow {
  id: number;
  room_id: string;
  network: string;
  chat_id: string;
  creator: string | null;
}

const toChat = (row: ChatRow): GatewayChatRecord => ({ id: row.id, roomId: row.room_id, network: row.network, chatId: row.chat_id, creator: row.creator ?? undefined });

/** Cross-network conversations: their rooms, their chat on each network, who takes part. */
export class GatewayRoomRepository {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      addRoom: db.prepare<[string, string, string | null, number]>(
        "INSERT INTO gateway_rooms (room_id, kind, title, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (room_id) DO NOTHING",
      ),
      room: db.prepare<[string], { room_id: string; kind: ConversationKind; title: string | null }>("SELECT room_id, kind, title FROM gateway_rooms WHERE room_id = ?"),
      setTitle: db.prepare<[string, string]>("UPDATE gateway_rooms SET title = ? WHERE room_id = ?"),
      removeRoom: db.prepare<[string]>("DELETE FROM gateway_rooms WHERE room_id = ?"),
      addChat: db.prepare<[string, string, string, string | null]>("INSERT INTO gateway_chats (room_id, network, chat_id, creator) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
      chatOf: db.prepare<[string, string], ChatRow>("SELECT * FROM gateway_chats WHERE network = ? AND chat_id = ?"),
      chatIn: db.prepare<[string, string], ChatRow>("SELECT * FROM gateway_chats WHERE room_id = ? AND network = ?"),
      chatById: db.prepare<[number], ChatRow>("SELECT * FROM gateway_chats WHERE id = ?"),
      chatsIn: db.prepare<[string], ChatRow>("SELECT * FROM gateway_chats WHERE room_id = ? ORDER BY id"),
      addMember: db.prepare<[string, string]>("INSERT INTO gateway_members (room_id, participant) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      removeMember: db.prepare<[string, string]>("DELETE FROM gateway_members WHERE room_id = ? AND participant = ?"),
      isMember: db.prepare<[string, string], { n: number }>("SELECT COUNT(*) AS n FROM gateway_members WHERE room_id = ? AND participant = ?"),
      members: db.prepare<[string], { participant: string }>("SELECT participant FROM gateway_members WHERE room_id = ? ORDER BY rowid"),
      roomsOf: db.prepare<[string], { room_id: string }>("SELECT room_id FROM gateway_members WHERE participant = ? ORDER BY rowid"),
      directWith: db.prepare<[string, string], { room_id: string }>(
        `SELECT r.room_id FROM gateway_rooms r
           JOIN gateway_members a ON a.room_id = r.room_id AND a.participant = ?
           JOIN gateway_members b ON b.room_id = r.room_id AND b.participant = ?
          WHERE r.kind = 'direct' LIMIT 1`,
      ),
    };
  }

  /** Records a conversation room; true if it was new. */
  addRoom(roomId: string, kind: ConversationKind, title?: string, now = Date.now()): boolean {
    return this.s.addRoom.run(roomId, kind, title ?? null, now).changes > 0;
  }

  room(roomId: string): ConversationRecord | undefined {
    const row = this.s.room.get(roomId);
    return row ? { roomId: row.room_id, kind: row.kind, title: row.title ?? undefined } : undefined;
  }

  setTitle(roomId: string, title: string): void {
    this.s.setTitle.run(title, roomId);
  }

  /** Forgets the conversation, its chats, members, messages and queued events. */
  removeRoom(roomId: string): void {
    this.s.removeRoom.run(roomId);
  }

  /** Records the conversation's chat on a network (one per network), returning it. */
  addChat(roomId: string, network: string, chatId: string, creator?: string): GatewayChatRecord {
    this.s.addChat.run(roomId, network, chatId, creator ?? null);
    const chat = this.chatOf(network, chatId);
    if (!chat || chat.roomId !== roomId) throw new Error(`${network} chat ${chatId} already belongs to another conversation`);
    return chat;
  }

  chatOf(network: string, chatId: string): GatewayChatRecord | undefined {
    const row = this.s.chatOf.get(network, chatId);
    return row ? toChat(row) : undefined;
  }

  chatIn(roomId: string, network: string): GatewayChatRecord | undefined {
    const row = this.s.chatIn.get(roomId, network);
    return row ? toChat(row) : undefined;
  }

  chatById(id: number): GatewayChatRecord | undefined {
    const row = this.s.chatById.get(id);
    return row ? toChat(row) : undefined;
  }

  chatsIn(roomId: string): GatewayChatRecord[] {
    return this.s.chatsIn.all(roomId).map(toChat);
  }

  /** True if the participant was not a member yet. */
  addMember(roomId: string, participant: string): boolean {
    return this.s.addMember.run(roomId, participant).changes > 0;
  }

  /** True if the participant was a member. */
  removeMember(roomId: string, participant: string): boolean {
    return this.s.removeMember.run(roomId, participant).changes > 0;
  }

  isMember(roomId: string, participant: string): boolean {
    return (this.s.isMember.get(roomId, participant)?.n ?? 0) > 0;
  }

  members(roomId: string): string[] {
    return this.s.members.all(roomId).map((row) => row.participant);
  }

  roomsOf(participant: string): string[] {
    return this.s.roomsOf.all(participant).map((row) => row.room_id);
  }

  /** The direct conversation between the two, if there is one. */
  directBetween(a: string, b: string): string | undefined {
    return this.s.directWith.get(a, b)?.room_id;
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
