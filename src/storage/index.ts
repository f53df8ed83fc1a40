export { openDatabase, type OpenDatabaseOptions, type Storage } from "./database.js";
export { StorageError, type StorageErrorCode } from "./errors.js";
export { listBackups, type BackupFile } from "./backup.js";
export { MIGRATIONS, type Migration } from "./migrations/index.js";
export type { TransactionKey, TransactionRepository } from "./repositories/transactions.js";
export type { ManagementRoomRepository } from "./repositories/management-rooms.js";
