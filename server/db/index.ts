/** Open, migrate and close the register's database. */
import type { Sequelize } from 'sequelize';
import { connect, dialectOf, type DbOptions, type Dialect } from './connection';
import { migrateUp } from './migrator';
import { defineModels, type Models } from './models';

export interface Db {
  sequelize: Sequelize;
  models: Models;
  dialect: Dialect;
  close(): Promise<void>;
}

export async function openDatabase(opts: DbOptions & { migrate?: boolean }): Promise<Db> {
  const sequelize = await connect(opts);
  if (opts.migrate !== false) await migrateUp(sequelize);
  return {
    sequelize,
    models: defineModels(sequelize),
    dialect: dialectOf(sequelize),
    close: () => sequelize.close(),
  };
}
