// The database: SQLite (sql.js, in memory) created from the SQL migrations and the seed on every
// start and on POST /api/dev/reset, and written to <data-dir>/board.sqlite after each write.

import fs from 'node:fs';
import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { Umzug, type UmzugStorage } from 'umzug';
import { nowIso } from './clock';
import { foldText } from './domain/text';

export type SqlParam = string | number | null;

export interface RunResult {
  changes: number;
  lastId: number;
}

const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');
const DB_FILE_NAME = 'board.sqlite';

export class Db {
  private database: Database;
  private transactionDepth = 0;

  private constructor(
    private readonly sqlJs: SqlJsStatic,
    private readonly file: string,
    private readonly verbose: boolean,
  ) {
    this.database = this.openEmpty();
  }

  /** Creates the data directory and a fresh, migrated database (not yet seeded). */
  static async create(dataDir: string, verbose: boolean): Promise<Db> {
    fs.mkdirSync(dataDir, { recursive: true });
    const sqlJs = await initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
    const db = new Db(sqlJs, path.join(dataDir, DB_FILE_NAME), verbose);
    await db.migrate();
    return db;
  }

  /** Throws the current data away and runs every migration on an empty database. */
  async recreate(): Promise<void> {
    this.database.close();
    this.database = this.openEmpty();
    this.transactionDepth = 0;
    await this.migrate();
  }

  private openEmpty(): Database {
    const database = new this.sqlJs.Database();
    this.configure(database);
    return database;
  }

  // sql.js reopens the connection inside export(), which forgets pragmas and functions:
  // this runs after every open and every export.
  private configure(database: Database): void {
    database.run('PRAGMA foreign_keys = ON');
    database.create_function('fold', (value: unknown) => (typeof value === 'string' ? foldText(value) : value));
  }

  private async migrate(): Promise<void> {
    const files = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((name) => name.endsWith('.sql'))
      .sort();
    const umzug = new Umzug<Db>({
      migrations: files.map((name) => ({
        name,
        path: path.join(MIGRATIONS_DIR, name),
        up: async ({ context }) => {
          context.exec(fs.readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8'));
        },
      })),
      context: this,
      storage: migrationTableStorage(),
      logger: this.verbose ? console : undefined,
    });
    await umzug.up();
  }

  exec(sql: string): void {
    this.database.exec(sql);
  }

  all<T>(sql: string, params: SqlParam[] = []): T[] {
    const statement = this.database.prepare(sql);
    try {
      statement.bind(params);
      const rows: T[] = [];
      while (statement.step()) {
        rows.push(statement.getAsObject() as T);
      }
      return rows;
    } finally {
      statement.free();
    }
  }

  get<T>(sql: string, params: SqlParam[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  /** The first column of the first row (e.g. a COUNT). */
  value<T extends SqlParam>(sql: string, params: SqlParam[] = []): T | undefined {
    const statement = this.database.prepare(sql);
    try {
      statement.bind(params);
      return statement.step() ? (statement.get()[0] as T) : undefined;
    } finally {
      statement.free();
    }
  }

  run(sql: string, params: SqlParam[] = []): RunResult {
    this.database.run(sql, params);
    return {
      changes: this.database.getRowsModified(),
      lastId: Number(this.value<number>('SELECT last_insert_rowid()')),
    };
  }

  /** Runs fn in a transaction (nested calls join the outer one); rolls back if it throws. */
  transaction<T>(fn: () => T): T {
    if (this.transactionDepth > 0) {
      return fn();
    }
    this.database.run('BEGIN');
    this.transactionDepth++;
    try {
      const result = fn();
      this.database.run('COMMIT');
      return result;
    } catch (error) {
      this.database.run('ROLLBACK');
      throw error;
    } finally {
      this.transactionDepth--;
    }
  }

  /** Writes the whole database to board.sqlite (atomically, through a temporary file). */
  persist(): void {
    const bytes = this.database.export();
    this.configure(this.database);
    const temporary = `${this.file}.tmp`;
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, this.file);
  }
}

function migrationTableStorage(): UmzugStorage<Db> {
  const ensureTable = (db: Db) =>
    db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, run_at TEXT NOT NULL)');
  return {
    async executed({ context }) {
      ensureTable(context);
      return context.all<{ name: string }>('SELECT name FROM migrations ORDER BY name').map((row) => row.name);
    },
    async logMigration({ name, context }) {
      ensureTable(context);
      context.run('INSERT INTO migrations (name, run_at) VALUES (?, ?)', [name, nowIso()]);
    },
    async unlogMigration({ name, context }) {
      ensureTable(context);
      context.run('DELETE FROM migrations WHERE name = ?', [name]);
    },
  };
}
