/**
 * Logins: each Matrix user's accounts on the networks, connected while the bridge runs. The
 * registry starts every stored login at boot, adds new ones after a login flow, and marks a
 * login logged out when the network revokes it, telling its owner how to log in again.
 */
import type { Logger } from "../logging/logger.js";
import type {
  ConnectionState,
  NetworkConnector,
  NetworkId,
  NetworkSession,
  NewLogin,
  RemoteEvent,
} from "../network/index.js";
import type { LoginRecord, LoginRepository } from "../storage/repositories/logins.js";

export interface ActiveLogin {
  readonly record: LoginRecord;
  readonly session: NetworkSession;
  readonly connector: NetworkConnector;
  /** Why the connection is in its current state, for `ping`. */
  detail: string | undefined;
}

export interface LoginEvents {
  /** A remote event seen through `login`; resolves once bridged (then the connector acks). */
  onRemoteEvent(login: ActiveLogin, event: RemoteEvent): Promise<void>;
  /** The network ended the session. */
  onLoggedOut(login: LoginRecord, reason: string): Promise<void>;
  /** A login was connected for the first time (after the login flow): sync its chats. */
  onNewLogin(login: ActiveLogin): Promise<void>;
}

export interface LoginsOptions {
  store: LoginRepository;
  /** Whether the login's owner may use it (their permission level). */
  allowed(login: LoginRecord): boolean;
  connectors: ReadonlyMap<NetworkId, NetworkConnector>;
  events: LoginEvents;
  logger: Logger;
}

export class Logins {
  private readonly active = new Map<number, ActiveLogin>();

  constructor(private readonly options: LoginsOptions) {}

  /** Connects every stored active login whose network is enabled. One failing does not stop the rest. */
  async startAll(): Promise<void> {
    const records = this.options.store.listActive().filter((record) => {
      if (!this.options.connectors.has(record.network)) return false;
      if (this.options.allowed(record)) return true;
      this.options.logger.warn("Not connecting a login whose owner may no longer log in (see permissions)", { login: record.id, user: record.matrixUserId });
      return false;
    });
    await Promise.all(
      records.map((record) =>
        this.connect(record).catch((error: unknown) => {
          this.options.logger.error("Could not connect a login; it stays stored and is retried on the next start", {
            login: record.id,
            network: record.network,
            error,
          });
        }),
      ),
    );
  }

  async stopAll(): Promise<void> {
    const sessions = [...this.active.values()];
    this.active.clear();
    await Promise.all(sessions.map((login) => login.session.stop().catch(() => undefined)));
  }

  /** Stores a login that just completed its flow and connects it. */
  async add(matrixUserId: string, network: NetworkId, login: NewLogin): Promise<ActiveLogin> {
    const existing = this.options.store.findByRemote(network, login.remoteUserId);
    if (existing && existing.matrixUserId !== matrixUserId) {
      throw new Error(`this ${network} account is already bridged for another Matrix user`);
    }
    if (existing) await this.disconnect(existing.id);
    const record = this.options.store.save({ matrixUserId, network, ...login });
    const active = await this.connect(record);
    await this.options.events.onNewLogin(active);
    return active;
  }

  get(id: number): ActiveLogin | undefined {
    return this.active.get(id);
  }

  forUser(matrixUserId: string): LoginRecord[] {
    return this.options.store.listForUser(matrixUserId);
  }

  /** The user's connected login on `network`, if any. */
  activeFor(matrixUserId: string, network: NetworkId): ActiveLogin[] {
    return [...this.active.values()].filter((l) => l.record.matrixUserId === matrixUserId && l.record.network === network);
  }

  /** Logs out on the network (best effort) and forgets the login. */
  async logout(id: number): Promise<void> {
    const active = this.active.get(id);
    this.active.delete(id);
    if (active) {
      try {
        await active.session.logout();
      } catch (error) {
        this.options.logger.warn("Logging out on the network failed; forgetting the login anyway", { login: id, error });
        await active.session.stop().catch(() => undefined);
      }
    }
    this.options.store.delete(id);
  }

  private async disconnect(id: number): Promise<void> {
    const active = this.active.get(id);
    this.active.delete(id);
    await active?.session.stop().catch(() => undefined);
  }

  private async connect(record: LoginRecord): Promise<ActiveLogin> {
    const connector = this.options.connectors.get(record.network);
    if (!connector) throw new Error(`network ${record.network} is not enabled`);
    const log = this.options.logger.child({ login: record.id, network: record.network });
    let active: ActiveLogin | undefined;
    const session = connector.connect(
      record.session,
      {
        handle: (event) => {
          if (!active) throw new Error("an event arrived before the login was ready");
          return this.options.events.onRemoteEvent(active, event);
        },
        connectionChanged: (state: ConnectionState, detail?: string) => {
          if (active) active.detail = detail;
          log.info(`Connection ${state}`, { detail });
        },
        loggedOut: (reason) => {
          void this.onLoggedOut(record, reason);
        },
        sessionChanged: (session) => this.options.store.setSession(record.id, session),
      },
      log,
    );
    active = { record, session, connector, detail: undefined };
    this.active.set(record.id, active);
    try {
      await session.start();
    } catch (error) {
      this.active.delete(record.id);
      await session.stop().catch(() => undefined);
      throw error;
    }
    return active;
  }

  private async onLoggedOut(record: LoginRecord, reason: string): Promise<void> {
    this.options.logger.warn("The network logged this login out", { login: record.id, network: record.network, reason });
    const active = this.active.get(record.id);
    this.active.delete(record.id);
    await active?.session.stop().catch(() => undefined);
    this.options.store.setState(record.id, "logged-out");
    try {
      await this.options.events.onLoggedOut(record, reason);
    } catch (error) {
      this.options.logger.error("Could not tell the user about a logout", { login: record.id, error });
    }
  }
}
