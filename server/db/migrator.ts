/** Migrations with umzug: the same files run on SQLite and PostgreSQL; never sync({ force }). */
import fs from 'node:fs';
import path from 'node:path';
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';

export interface MigrationContext {
  queryInterface: QueryInterface;
  sequelize: Sequelize;
}

export interface MigrationModule {
  up(ctx: MigrationContext): Promise<void>;
  down?(ctx: MigrationContext): Promise<void>;
}

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

function migrationFiles(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}-[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
    .sort();
}

/** Migration files are found at run time (the folder is the list), so they are loaded with require. */
function loadMigration(file: string): MigrationModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(MIGRATIONS_DIR, file)) as MigrationModule;
}

export function createMigrator(sequelize: Sequelize): Umzug<MigrationContext> {
  return new Umzug<MigrationContext>({
    migrations: migrationFiles().map((file) => {
      const name = file.replace(/\.(ts|js)$/, '');
      return {
        name,
        up: async ({ context }) => loadMigration(file).up(context),
        down: async ({ context }) => {
          const mod = loadMigration(file);
          if (!mod.down) throw new Error(`migration ${name} cannot be reverted`);
          await mod.down(context);
        },
      };
    }),
    context: { queryInterface: sequelize.getQueryInterface(), sequelize },
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}

export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  const done = await createMigrator(sequelize).up();
  return done.map((m) => m.name);
}
