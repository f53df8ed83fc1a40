import type Database from "better-sqlite3";

export interface GatewayReaction {
  eventId: string;
  roomId: string;
  targetEvent: string;
  participant: string;
  emoji: string;
  redacted: boolean;
}

interface ReactionRow {
  event_id: string;
  room_id: string;
  target_event: string;
  participant: string;
  emoji: string;
  redacted: number;
}

const toReaction = (row: ReactionRow): GatewayReaction => ({
  eventId: row.event_id,
  roomId: row.room_id,
  targetEvent: row.target_event,
  participant: row.participant,
  emoji: row.emoji,
  redacted: row.redacted === 1,
});

/**
 * The message graph of cross-network conversations: which message on each network is which
 * Matrix event, so replies, edits, reactions and deletes follow a message everywhere.
 */
export class GatewayMessageRepository {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      link: db.prepare<[string, string, string, string]>(
        "INSERT INTO gateway_messages (room_id, event_id, network, message_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      messageOn: db.prepare<[string, string], { message_id: string }>("SELECT message_id FROM gateway_messages WHERE event_id = ? AND network = ?"),
      eventFor: db.prepare<[string, string, string], { event_id: string }>(
        "SELECT event_id FROM gateway_messages WHERE room_id = ? AND network = ? AND message_id = ?",
      ),
      addReaction: db.prepare<[string, string, string, string, string]>(
        "INSERT INTO gateway_reactions (event_id, room_id, target_event, participant, emoji) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      reaction: db.prepare<[string], ReactionRow>("SELECT * FROM gateway_reactions WHERE event_id = ?"),
      reactionsBy: db.prepare<[string, string], ReactionRow>("SELECT * FROM gateway_reactions WHERE target_event = ? AND participant = ? ORDER BY rowid"),
      markRedacted: db.prepare<[string]>("UPDATE gateway_reactions SET redacted = 1 WHERE event_id = ?"),
      forgetParticipant: db.prepare<[string]>("DELETE FROM gateway_reactions WHERE participant = ?"),
    };
  }

  /** Records that `eventId` is `messageId` on `network`; false if that was known already. */
  link(roomId: string, eventId: string, network: string, messageId: string): boolean {
    return this.s.link.run(roomId, eventId, network, messageId).changes > 0;
  }

  /** The event's copy on a network. */
  messageOn(eventId: string, network: string): string | undefined {
    return this.s.messageOn.get(eventId, network)?.message_id;
  }

  /** The Matrix event a network's message is. */
  eventFor(roomId: string, network: string, messageId: string): string | undefined {
    return this.s.eventFor.get(roomId, network, messageId)?.event_id;
  }

  addReaction(reaction: Omit<GatewayReaction, "redacted">): void {
    this.s.addReaction.run(reaction.eventId, reaction.roomId, reaction.targetEvent, reaction.participant, reaction.emoji);
  }

  reaction(eventId: string): GatewayReaction | undefined {
    const row = this.s.reaction.get(eventId);
    return row ? toReaction(row) : undefined;
  }

  /** A person's reactions to a message, oldest first, the redacted ones included. */
  reactionsBy(targetEvent: string, participant: string): GatewayReaction[] {
    return this.s.reactionsBy.all(targetEvent, participant).map(toReaction);
  }

  /** Erasure: the person's reactions are no longer tied to them. Returns how many there were. */
  forgetParticipant(participant: string): number {
    return this.s.forgetParticipant.run(participant).changes;
  }

  /** Kept, not deleted: lanes still working through the redaction look the reaction up. */
  markRedacted(eventId: string): void {
    this.s.markRedacted.run(eventId);
  }
}
