/**
 * Ghosts: one Matrix user per remote person, registered on first use, with the display name
 * and avatar kept in step with the network. Profiles already written are remembered (in the
 * database and in memory), so the hot path makes no profile calls for people already seen.
 */
import type { NetworkConfig } from "../config/schema.js";
import type { Logger } from "../logging/logger.js";
import type { NetworkConnector, NetworkId, RemoteUser, RemoteUserId } from "../network/index.js";
import type { GhostRecord, GhostRepository } from "../storage/repositories/ghosts.js";
import type { MatrixPort } from "./matrix-port.js";
import { ghostDisplayName, ghostUserId } from "./matrix-ids.js";

export interface GhostsOptions {
  matrix: MatrixPort;
  store: GhostRepository;
  domain: string;
  networks: Partial<Record<NetworkId, { config: NetworkConfig; connector: NetworkConnector }>>;
  logger: Logger;
}

export class Ghosts {
  private readonly known = new Map<string, GhostRecord>();
  private readonly registered = new Set<string>();

  constructor(private readonly options: GhostsOptions) {}

  private network(network: NetworkId) {
    const entry = this.options.networks[network];
    if (!entry) throw new Error(`network ${network} is not enabled`);
    return entry;
  }

  userId(network: NetworkId, remoteUserId: RemoteUserId): string {
    // A ghost keeps the id it was made with, whatever the config says now (phone numbers shown or not).
    const made = this.record(network, remoteUserId)?.matrixUserId;
    if (made) return made;
    const { config, connector } = this.network(network);
    return ghostUserId(config.localpart_template, connector.ghostId(remoteUserId), this.options.domain);
  }

  /**
   * A network id as Matrix may see it: what a ghost's id is made of (on WhatsApp with
   * bridge.phone_numbers_on_matrix off, a keyed hash for a person; other ids unchanged).
   */
  publicId(network: NetworkId, remoteId: string): string {
    return this.network(network).connector.ghostId(remoteId);
  }

  /** The remote person a Matrix user id stands for, if it is one of our ghosts. */
  remoteUserOf(matrixUserId: string): { network: NetworkId; remoteUserId: RemoteUserId } | undefined {
    const record = this.options.store.findByMatrixUser(matrixUserId);
    return record && { network: record.network, remoteUserId: record.remoteUserId };
  }

  /** The display name a ghost has (or would have) for this person. */
  displayName(network: NetworkId, user: Pick<RemoteUser, "id" | "name">): string {
    return ghostDisplayName(this.network(network).config.displayname_template, user.name, this.network(network).connector.ghostId(user.id));
  }

  /** The name last written for the person, without the template; undefined if never seen. */
  knownName(network: NetworkId, remoteUserId: RemoteUserId): string | undefined {
    return this.record(network, remoteUserId)?.name;
  }

  /**
   * Makes sure the ghost exists with the profile `user` describes; returns its Matrix id. Only
   * what changed is written, and an avatar is uploaded only when its id is new.
   */
  async ensure(network: NetworkId, user: RemoteUser): Promise<string> {
    const userId = this.userId(network, user.id);
    await this.ensureRegistered(userId);
    const previous = this.record(network, user.id);
    const next: GhostRecord = {
      network,
      remoteUserId: user.id,
      matrixUserId: userId,
      name: user.name,
      avatarId: previous?.avatarId,
      avatarMxc: previous?.avatarMxc,
    };
    if (previous?.name !== user.name) {
      await this.options.matrix.setDisplayName(userId, this.displayName(network, user));
    }
    if (user.avatar && user.avatarId && user.avatarId !== previous?.avatarId) {
      try {
        const data = await user.avatar.download();
        next.avatarMxc = await this.options.matrix.upload(userId, data, user.avatar.mimeType, user.avatar.fileName);
        next.avatarId = user.avatarId;
        await this.options.matrix.setAvatar(userId, next.avatarMxc);
      } catch (error) {
        // A missing picture is not worth failing a message for; the next profile sync retries.
        this.options.logger.warn("Could not update a ghost's avatar", { user: userId, error });
      }
    }
    if (!previous || previous.name !== next.name || previous.avatarId !== next.avatarId) {
      this.options.store.save(next);
      this.known.set(`${network}\u0000${user.id}`, next);
    }
    return userId;
  }

  /**
   * Forgets the person's profile, as an admin's erase asks: it leaves memory, and the ghost's
   * Matrix profile shows a neutral name and no picture. (The stored row is the caller's to
   * delete, with the rest of what is stored about them.)
   */
  async forget(network: NetworkId, remoteUserId: RemoteUserId, userId = this.userId(network, remoteUserId)): Promise<void> {
    this.known.delete(`${network}\u0000${remoteUserId}`);
    try {
      await this.options.matrix.setDisplayName(userId, `Forgotten ${this.network(network).connector.displayName} user`);
      await this.options.matrix.setAvatar(userId, "");
    } catch (error) {
      this.options.logger.warn("Could not clear a forgotten ghost's Matrix profile", { user: userId, error });
    }
  }

  /** The ghost's Matrix id, registered, with whatever profile it already has. */
  async ensureRegistered(userId: string): Promise<void> {
    if (this.registered.has(userId)) return;
    await this.options.matrix.ensureRegistered(userId);
    this.registered.add(userId);
  }

  private record(network: NetworkId, remoteUserId: RemoteUserId): GhostRecord | undefined {
    const key = `${network}\u0000${remoteUserId}`;
    let record = this.known.get(key);
    if (!record) {
      record = this.options.store.get(network, remoteUserId);
      if (record) this.known.set(key, record);
    }
    return record;
  }
}
