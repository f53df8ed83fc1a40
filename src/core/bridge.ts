/**
 * The core, assembled: logins, ghosts, portals, the two directions of events and the per-portal
 * queue they share, plus the operations bot commands (and later a provisioning API) call.
 */
import type { Config } from "../config/schema.js";
import type { Logger } from "../logging/logger.js";
import type { MatrixEvent } from "../matrix/events.js";
import type { ChatInfo, LoginFlow, NetworkConnector, NetworkId, RemoteEvent, RemoteUserId } from "../network/index.js";
import type { Storage } from "../storage/index.js";
import type { LoginRecord } from "../storage/repositories/logins.js";
import type { ForgetReport } from "../storage/repositories/remote-people.js";
import { Ghosts } from "./ghosts.js";
import { PortalLinks } from "./links.js";
import { Logins, type ActiveLogin } from "./logins.js";
import { MatrixEvents } from "./matrix-events.js";
import { pacingLimits } from "./pacing.js";
import type { MatrixPort } from "./matrix-port.js";
import { hasPermission } from "./permissions.js";
import { NETWORK_NAMES, Portals, portalKey } from "./portals.js";
import { RemoteEvents } from "./remote-events.js";
import { KeyedSerialQueue } from "./serial-queue.js";

export interface BridgeCoreOptions {
  config: Config;
  storage: Storage;
  matrix: MatrixPort;
  connectors: ReadonlyMap<NetworkId, NetworkConnector>;
  /** Tells a Matrix user something in their management room (if they have one). */
  tellUser(userId: string, text: string): Promise<void>;
  logger: Logger;
}

export class BridgeCore {
  readonly logins: Logins;
  readonly ghosts: Ghosts;
  readonly portals: Portals;
  readonly remote: RemoteEvents;
  readonly matrixEvents: MatrixEvents;
  readonly links: PortalLinks;
  private readonly queue = new KeyedSerialQueue();

  constructor(private readonly options: BridgeCoreOptions) {
    const { config, storage, matrix, connectors, logger } = options;
    const networks: ConstructorParameters<typeof Ghosts>[0]["networks"] = {};
    for (const [id, connector] of connectors) networks[id] = { config: config.networks[id], connector };
    this.ghosts = new Ghosts({ matrix, store: storage.ghosts, domain: config.homeserver.domain, networks, logger: logger.child({ module: "core.ghosts" }) });
    this.portals = new Portals({
      store: storage.portals,
      groupNameTemplate: (network) => config.networks[network].group_name_template,
      networkAvatar: (network) => config.networks[network].room_avatar,
      matrix,
      ghosts: this.ghosts,
      logger: logger.child({ module: "core.portals" }),
    });
    this.remote = new RemoteEvents({
      storage,
      matrix,
      ghosts: this.ghosts,
      portals: this.portals,
      queue: this.queue,
      backfillLimit: config.bridge.backfill_limit,
      // A linked portal's room holds another chat too: the message goes there through its relay.
      onBridged: (portal, event) => {
        for (const sibling of storage.portals.findByRoom(portal.roomId)) if (sibling.id !== portal.id) this.matrixEvents.relay(sibling.id, event);
      },
      logger: logger.child({ module: "core.remote" }),
    });
    this.logins = new Logins({
      store: storage.logins,
      connectors,
      logger: logger.child({ module: "core.logins" }),
      // A login whose owner lost the right to log in (permissions changed) stays stored, unused.
      allowed: (login) => hasPermission(login.matrixUserId, config.permissions, "user"),
      events: {
        onRemoteEvent: (login, event) => this.onRemoteEvent(login, event),
        onLoggedOut: (login, reason) => this.onLoggedOut(login, reason),
        // In the background: the user hears "logged in" first, then the rooms arrive.
        onNewLogin: async (login) => {
          this.syncChats(login).catch((error: unknown) => logger.error("Could not sync a new login's chats", { login: login.record.id, error }));
        },
      },
    });
    this.matrixEvents = new MatrixEvents({
      storage,
      portals: this.portals,
      matrix,
      ghosts: this.ghosts,
      logins: this.logins,
      queue: this.queue,
      permissions: config.permissions,
      pacing: (network) => pacingLimits(config.networks[network].rate_limit, connectors.get(network)?.capabilities),
      logger: logger.child({ module: "core.matrix" }),
    });
    this.links = new PortalLinks({ storage, matrix, logins: this.logins, queue: this.queue, logger: logger.child({ module: "core.links" }) });
  }

  async start(): Promise<void> {
    await this.logins.startAll();
    this.matrixEvents.resume();
  }

  /**
   * Stops sending and the network connections, then lets work already started finish; Matrix
   * events not yet sent stay in the outbox for the next start.
   */
  async stop(): Promise<void> {
    this.matrixEvents.stop();
    await this.logins.stopAll();
    await this.queue.idle();
  }

  connector(network: NetworkId): NetworkConnector | undefined {
    return this.options.connectors.get(network);
  }

  get networks(): NetworkId[] {
    return [...this.options.connectors.keys()];
  }

  onMatrixEvent(event: MatrixEvent): Promise<void> {
    return this.matrixEvents.onEvent(event);
  }

  onEphemeralEvent(event: { type: string; room_id?: string; content: Record<string, unknown> }): Promise<void> {
    return this.matrixEvents.onEphemeral(event);
  }

  /** A login flow for the network, or undefined if it is not enabled. */
  loginFlow(network: NetworkId): LoginFlow | undefined {
    return this.options.connectors.get(network)?.login({ deviceName: "crosschat" });
  }

  /**
   * Creates (or finds) portals for the login's chats, so they show up in Matrix, and brings the
   * profiles of the people in them up to date (networks do not always announce a new name).
   * Returns how many chats there were and how many rooms were created.
   */
  async syncChats(login: ActiveLogin): Promise<{ chats: number; created: number }> {
    const chats = await login.session.listChats();
    let created = 0;
    // Someone in several groups is looked up once per sync.
    const refreshed = new Set<string>();
    for (const chat of chats) {
      await this.refreshProfiles(login, chat, refreshed);
      const portal = this.options.storage.portals.ensure(portalKey(login.record.network, chat, login), chat.kind);
      this.options.storage.portals.addMember(portal.id, login.record.id);
      await this.queue.run(`portal:${portal.id}`, async () => {
        const current = this.options.storage.portals.get(portal.id) ?? portal;
        if (current.roomId) {
          await this.portals.ensureLoginMember(current, login);
          return;
        }
        await this.remote.createRoom(current, login);
        created += 1;
      });
    }
    return { chats: chats.length, created };
  }

  private async refreshProfiles(login: ActiveLogin, chat: ChatInfo, refreshed: Set<string>): Promise<void> {
    const network = login.record.network;
    for (const member of chat.members) {
      if (member.id === login.record.remoteUserId || refreshed.has(member.id)) continue;
      refreshed.add(member.id);
      try {
        const user = chat.peer?.id === member.id ? chat.peer : await login.session.getUser(member.id);
        await this.ghosts.ensure(network, user);
      } catch (error) {
        this.options.logger.debug("Could not refresh a profile", { network, user: member.id, error });
      }
    }
  }

  /** Opens (or finds) the direct chat with the person `identifier` names. */
  async startChat(login: ActiveLogin, identifier: string): Promise<{ roomId: string; name: string; created: boolean } | undefined> {
    const user = await login.session.resolveUser(identifier);
    if (!user) return undefined;
    const chat = { id: login.session.directChatWith(user.id), kind: "direct" as const };
    const portal = this.options.storage.portals.ensure(portalKey(login.record.network, chat, login), "direct");
    this.options.storage.portals.addMember(portal.id, login.record.id);
    return this.queue.run(`portal:${portal.id}`, async () => {
      const current = this.options.storage.portals.get(portal.id) ?? portal;
      if (current.roomId) {
        await this.options.matrix.invite(this.options.matrix.botUserId, current.roomId, login.record.matrixUserId).catch(() => undefined);
        return { roomId: current.roomId, name: user.name, created: false };
      }
      const roomId = await this.remote.createRoom(current, login);
      return { roomId, name: user.name, created: true };
    });
  }

  /** Makes `login` the relay of the portal(s) in `roomId`; returns how many portals it covers. */
  setRelay(roomId: string, login: ActiveLogin | undefined): number {
    const portals = this.options.storage.portals.findByRoom(roomId).filter((p) => !login || p.network === login.record.network);
    for (const portal of portals) this.options.storage.portals.setRelay(portal.id, login?.record.id);
    return portals.length;
  }

  /**
   * Erases what the bridge stores about one remote person (an admin's request). Matrix rooms and
   * what Matrix users said stay; if the person writes again, they appear anew.
   */
  async forgetRemotePerson(network: NetworkId, remoteUserId: RemoteUserId): Promise<ForgetReport> {
    // Its id before its row goes: a ghost keeps the id it was made with, which config may no longer give.
    const ghost = this.ghosts.userId(network, remoteUserId);
    const report = this.options.storage.remotePeople.forget(network, remoteUserId);
    // Only a ghost that existed has a profile to clear; a mistyped id must not touch anyone's.
    if (report.ghosts > 0) await this.ghosts.forget(network, remoteUserId, ghost);
    this.options.logger.info("Forgot a remote person on an admin's request", { network, ...report });
    return report;
  }

  portalsInRoom(roomId: string) {
    return this.options.storage.portals.findByRoom(roomId);
  }

  private async onRemoteEvent(login: ActiveLogin, event: RemoteEvent): Promise<void> {
    await this.remote.handle(login, event);
  }

  private async onLoggedOut(login: LoginRecord, reason: string): Promise<void> {
    const network = NETWORK_NAMES[login.network];
    await this.options.tellUser(
      login.matrixUserId,
      `Your ${network} login ${login.remoteName} (${login.remoteUserId}) was logged out by ${network} (${reason}). ` +
        `Your portals stay, but nothing is bridged for this account until you log in again: send 'login ${login.network}'.`,
    );
  }
}
