/**
 * Opening the one crosschat database: pragmas, the version check, backup, migrations.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Logger } from "winston";
import { listBackups, takeBackup } from "./backup.js";
import { StorageError, describeCause } from "./errors.js";
import { applyMigrations, createVersionTable, readSchemaVersion } from "./migrate.js";
import { MIGRATIONS, assertContiguous, type Migration } from "./migrations/index.js";
import {
  SqliteManagementRoomRepository,
  type ManagementRoomRepository,
} from "./repositories/management-rooms.js";
import { GhostRepository } from "./repositories/ghosts.js";
import { LoginRepository } from "./repositories/logins.js";
import { MessageRepository } from "./repositories/messages.js";
import { GatewayMessageRepository } from "./repositories/gateway-messages.js";
import { GatewayPeopleRepository } from "./repositories/gateway-people.js";
import { GatewayRoomRepository } from "./repositories/gateway-rooms.js";
import { GATEWAY_OUTBOX, OutboxRepository } from "./repositories/outbox.js";
import { PortalLinkRepository } from "./repositories/portal-links.js";
import { BridgeSecretRepository } from "./repositories/bridge-secrets.js";
import { RemotePeopleRepository } from "./repositories/remote-people.js";
import { PortalRepository } from "./repositories/portals.js";
import { ReactionRepository } from "./repositories/reactions.js";
import {
  SqliteTransactionRepository,
  type TransactionRepository,
} from "./repositories/transactions.js";

export interface OpenDatabaseOptions {
  logger: Logger;
  /** Replaces the shipped migrations; for tests. */
  migrations?: readonly Migration[];
}

export interface Storage {
  /** The raw connection, for repositories added later. */
  readonly db: Database.Database;
  readonly transactions: TransactionRepository;
  readonly managementRooms: ManagementRoomRepository;
  readonly logins: LoginRepository;
  readonly portals: PortalRepository;
  readonly ghosts: GhostRepository;
  readonly messages: MessageRepository;
  readonly reactions: ReactionRepository;
  readonly outbox: OutboxRepository;
  readonly remotePeople: RemotePeopleRepository;
  readonly gatewayRooms: GatewayRoomRepository;
  readonly gatewayPeople: GatewayPeopleRepository;
  readonly gatewayMessages: GatewayMessageRepository;
  readonly gatewayOutbox: OutboxRepository;
  readonly portalLinks: PortalLinkRepository;
  readonly secrets: BridgeSecretRepository;
  /** Runs `work` in one SQLite transaction: all of its writes land, or none. */
  transaction<T>(work: () => T): T;
  schemaVersion(): number;
  /** Safe to call more than once. */
  close(): void;
}

const MEMORY = ":memory:";
const BUSY_TIMEOUT_MS = 5000;

class SqliteStorage implements Storage {
  readonly transactions: TransactionRepository;
  readonly managementRooms: ManagementRoomRepository;
  private repositories: Partial<{ logins: LoginRepository; portals: PortalRepository; ghosts: GhostRepository; messages: MessageRepository; reactions: ReactionRepository; outbox: OutboxRepository; remotePeople: RemotePeopleRepository; gatewayRooms: GatewayRoomRepository; gatewayPeople: GatewayPeopleRepository; gatewayMessages: GatewayMessageRepository; gatewayOutbox: OutboxRepository; portalLinks: PortalLinkRepository; secrets: BridgeSecretRepository }> = {};

  constructor(
    readonly db: Database.Database,
    private readonly dbPath: string,
  ) {
    this.transactions = new SqliteTransactionRepository(db);
    this.managementRooms = new SqliteManagementRoomRepository(db);
  }

  // Prepared on first use: tests open databases with only some migrations applied, where the
  // later tables do not exist.
  get logins(): LoginRepository {
    return (this.repositories.logins ??= new LoginRepository(this.db));
  }

  get portals(): PortalRepository {
    return (this.repositories.portals ??= new PortalRepository(this.db));
  }

  get ghosts(): GhostRepository {
    return (this.repositories.ghosts ??= new GhostRepository(this.db));
  }

  get messages(): MessageRepository {
    return (this.repositories.messages ??= new MessageRepository(this.db));
  }

  get reactions(): ReactionRepository {
    return (this.repositories.reactions ??= new ReactionRepository(this.db));
  }

  get outbox(): OutboxRepository {
    return (this.repositories.outbox ??= new OutboxRepository(this.db));
  }

  get remotePeople(): RemotePeopleRepository {
    return (this.repositories.remotePeople ??= new RemotePeopleRepository(this.db));
  }

  get gatewayRooms(): GatewayRoomRepository {
    return (this.repositories.gatewayRooms ??= new GatewayRoomRepository(this.db));
  }

  get gatewayPeople(): GatewayPeopleRepository {
    return (this.repositories.gatewayPeople ??= new GatewayPeopleRepository(this.db));
  }

  get gatewayMessages(): GatewayMessageRepository {
    return (this.repositories.gatewayMessages ??= new GatewayMessageRepository(this.db));
  }

  get gatewayOutbox(): OutboxRepository {
    return (this.repositories.gatewayOutbox ??= new OutboxRepository(this.db, GATEWAY_OUTBOX));
  }

  get portalLinks(): PortalLinkRepository {
    return (this.repositories.portalLinks ??= new PortalLinkRepository(this.db));
  }

  get secrets(): BridgeSecretRepository {
    return (this.repositories.secrets ??= new BridgeSecretRepository(this.db));
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  schemaVersion(): number {
    return readSchemaVersion(this.db, this.dbPath);
  }

  close(): void {
    if (!this.db.open) return;
    // Fold the WAL back into the main file so the database is a single file again at rest,
    // which is what a self-hoster copying it for a backup expects.
    try {
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      // Never leave the connection open because the checkpoint failed.
      this.db.close();
    }
  }
}

export function openDatabase(dbPath: string, options: OpenDatabaseOptions): Storage {
  const { logger } = options;
  const migrations = assertContiguous(options.migrations ?? MIGRATIONS);
  const latest = migrations.length;
  const inMemory = dbPath === MEMORY;

  const db = connect(dbPath, inMemory);
  try {
    const from = readVersionForOpen(db, dbPath);
    // Refuse before any write (even the journal-mode switch) so the file stays exactly as the
    // newer crosschat left it.
    if (from > latest) throw newerThanCode(dbPath, from, latest);

    configure(db, dbPath, inMemory);

    let backupPath: string | undefined;
    if (from > 0 && from < latest && !inMemory) {
      backupPath = takeBackup(db, dbPath, from);
      logger.info(`backed up database before migrating it: ${backupPath}`, {
        database: dbPath,
        backup: backupPath,
        fromVersion: from,
        toVersion: latest,
      });
    }

    createVersionTable(db);
    applyMigrations(db, dbPath, from, migrations, logger, backupPath);
    logger.debug(`opened database ${dbPath} at schema version ${latest}`, { database: dbPath });
    return new SqliteStorage(db, dbPath);
  } catch (error) {
    db.close();
    throw error;
  }
}

function connect(dbPath: string, inMemory: boolean): Database.Database {
  try {
    if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
    return new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
  } catch (cause) {
    throw openFailed(dbPath, cause);
  }
}

/** The first read is where SQLite notices a file that is not a database at all. */
function readVersionForOpen(db: Database.Database, dbPath: string): number {
  try {
    return readSchemaVersion(db, dbPath);
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw openFailed(dbPath, cause);
  }
}

function configure(db: Database.Database, dbPath: string, inMemory: boolean): void {
  try {
    // WAL lets readers proceed while the bridge writes; with WAL, synchronous=NORMAL is still
    // crash-safe for the database (a power cut may lose the last commits, never corrupt).
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (!inMemory && mode !== "wal") {
      throw new Error(`the file system did not accept WAL journal mode (got "${String(mode)}")`);
    }
    db.pragma("synchronous = NORMAL");
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("foreign_keys = ON");
    // The pragma is silently ignored by SQLite builds without foreign key support.
    if (db.pragma("foreign_keys", { simple: true }) !== 1) {
      throw new Error("this SQLite build does not enforce foreign keys");
    }
  } catch (cause) {
    throw openFailed(dbPath, cause);
  }
}

function openFailed(dbPath: string, cause: unknown): StorageError {
  return new StorageError(
    "DB_OPEN_FAILED",
    `could not open database ${dbPath}: ${describeCause(cause)}`,
    { cause },
  );
}

function newerThanCode(dbPath: string, version: number, latest: number): StorageError {
  // Only copies at a version this code knows can be restored and run by it.
  const usable = listBackups(dbPath).filter((b) => b.version <= latest);
  const restore =
    usable.length > 0
      ? `restore the backup taken before the upgrade (${usable
          .map((b) => path.basename(b.path))
          .join(", ")})`
      : "restore a copy of the database from before the upgrade";
  return new StorageError(
    "DB_NEWER_THAN_CODE",
    `database ${dbPath} is at schema version ${version} but this crosschat knows only up to ` +
      `${latest}: it was written by a newer crosschat. Run that version, or ${restore}.`,
  );
}
