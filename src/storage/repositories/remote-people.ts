import type Database from "better-sqlite3";
import type { NetworkId } from "../../network/index.js";

/** What forgetting one remote person removed. */
export interface ForgetReport {
  ghosts: number;
  /** Direct chats with them, with everything stored for those chats. */
  directChats: number;
  /** Their messages and edits in other chats. */
  messages: number;
  reactions: number;
}

/**
 * Everything the bridge stores about one person on a network, so an admin can erase it: their
 * ghost's profile, their direct chats (which hold their name, and the message map of every word
 * exchanged), and their messages and reactions elsewhere. What Matrix users and other people
 * said is theirs and stays.
 */
export class RemotePeopleRepository {
  private readonly directChats: Database.Statement<[NetworkId, string, NetworkId, string]>;
  private readonly messages: Database.Statement<[string, NetworkId]>;
  private readonly reactions: Database.Statement<[string, NetworkId]>;
  private readonly ghosts: Database.Statement<[NetworkId, string]>;

  constructor(private readonly db: Database.Database) {
    // A direct chat is with them when it is named after them (WhatsApp, Messenger) or when they
    // wrote in it (Instagram names direct threads apart from people).
    this.directChats = db.prepare(
      `DELETE FROM portals WHERE kind = 'direct' AND (
         (network = ? AND chat_id = ?)
         OR id IN (SELECT m.portal_id FROM messages m JOIN portals p ON p.id = m.portal_id WHERE p.network = ? AND m.sender = ?))`,
    );
    this.messages = db.prepare("DELETE FROM messages WHERE sender = ? AND portal_id IN (SELECT id FROM portals WHERE network = ?)");
    this.reactions = db.prepare("DELETE FROM reactions WHERE sender = ? AND portal_id IN (SELECT id FROM portals WHERE network = ?)");
    this.ghosts = db.prepare("DELETE FROM ghosts WHERE network = ? AND remote_user_id = ?");
  }

  /** Removes it all in one transaction. */
  forget(network: NetworkId, remoteUserId: string): ForgetReport {
    return this.db.transaction(() => ({
      directChats: this.directChats.run(network, remoteUserId, network, remoteUserId).changes,
      messages: this.messages.run(remoteUserId, network).changes,
      reactions: this.reactions.run(remoteUserId, network).changes,
      ghosts: this.ghosts.run(network, remoteUserId).changes,
    }))();
  }
}
