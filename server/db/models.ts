/**
 * Sequelize models of the foundation tables, defined per Sequelize instance (tests run SQLite and
 * PostgreSQL side by side). Bulk paths (member sync, reports) use prepared SQL instead of models.
 */
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { OrgKind } from '../../domain/organisations';
import type { Role } from '../../domain/roles';

export function defineModels(sequelize: Sequelize) {
  class Organisation extends Model<InferAttributes<Organisation>, InferCreationAttributes<Organisation>> {
    declare id: CreationOptional<number>;
    declare parentId: number | null;
    declare kind: OrgKind;
    declare name: string;
    declare path: string;
    declare depth: number;
    declare status: CreationOptional<'active' | 'closed'>;
    declare closedAt: CreationOptional<Date | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Organisation.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      parentId: { type: DataTypes.INTEGER, allowNull: true },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      name: { type: DataTypes.STRING(500), allowNull: false },
      path: { type: DataTypes.STRING(255), allowNull: false },
      depth: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
      closedAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'organisations', underscored: true },
  );

  class Passport extends Model<InferAttributes<Passport>, InferCreationAttributes<Passport>> {
    declare orgId: number;
    declare inpoNumber: string | null;
    declare unionName: string | null;
    declare inn: string | null;
    declare kpp: string | null;
    declare ogrn: string | null;
    declare registrationDate: string | null;
    declare institutionName: string | null;
    declare institutionType: string | null;
    declare chairFullName: string | null;
    declare chairPosition: string | null;
    declare employeesCount: number | null;
    declare studentsCount: number | null;
    declare legalAddress: string | null;
    declare postalAddress: string | null;
    declare postalIndex: string | null;
    declare phone: string | null;
    declare email: string | null;
    declare version: CreationOptional<number>;
    declare updatedBy: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  const s = (n: number) => ({ type: DataTypes.STRING(n), allowNull: true });
  Passport.init(
    {
      orgId: { type: DataTypes.INTEGER, primaryKey: true },
      inpoNumber: s(32),
      unionName: s(500),
      inn: s(12),
      kpp: s(9),
      ogrn: s(15),
      registrationDate: { type: DataTypes.DATEONLY, allowNull: true },
      institutionName: s(500),
      institutionType: s(64),
      chairFullName: s(300),
      chairPosition: s(200),
      employeesCount: { type: DataTypes.INTEGER, allowNull: true },
      studentsCount: { type: DataTypes.INTEGER, allowNull: true },
      legalAddress: s(500),
      postalAddress: s(500),
      postalIndex: s(6),
      phone: s(16),
      email: s(254),
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      updatedBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'passports', underscored: true },
  );

  class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
    declare id: CreationOptional<number>;
    declare login: string;
    declare fullName: string;
    declare role: Role;
    declare orgId: number;
    declare passwordHash: string;
    declare mustChangePassword: boolean;
    declare failedAttempts: CreationOptional<number>;
    declare lockedUntil: CreationOptional<Date | null>;
    declare active: CreationOptional<boolean>;
    declare obligationSignedAt: CreationOptional<string | null>;
    declare obligationRecordedAt: CreationOptional<Date | null>;
    declare obligationRecordedBy: CreationOptional<number | null>;
    declare trainingCompletedAt: CreationOptional<Date | null>;
    declare firstRunCompletedAt: CreationOptional<Date | null>;
    declare createdBy: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      login: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      fullName: { type: DataTypes.STRING(300), allowNull: false },
      role: { type: DataTypes.STRING(32), allowNull: false },
      orgId: { type: DataTypes.INTEGER, allowNull: false },
      passwordHash: { type: DataTypes.STRING(255), allowNull: false },
      mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      failedAttempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lockedUntil: { type: DataTypes.DATE, allowNull: true },
      active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      obligationSignedAt: { type: DataTypes.DATEONLY, allowNull: true },
      obligationRecordedAt: { type: DataTypes.DATE, allowNull: true },
      obligationRecordedBy: { type: DataTypes.INTEGER, allowNull: true },
      trainingCompletedAt: { type: DataTypes.DATE, allowNull: true },
      firstRunCompletedAt: { type: DataTypes.DATE, allowNull: true },
      createdBy: { type: DataTypes.INTEGER, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'users', underscored: true },
  );

  class AuthToken extends Model<InferAttributes<AuthToken>, InferCreationAttributes<AuthToken>> {
    declare id: CreationOptional<number>;
    declare tokenHash: string;
    declare userId: number;
    declare expiresAt: Date;
    declare revokedAt: CreationOptional<Date | null>;
    /** The «remember me» family that issued this session (migration 0060), null for a sign-in with the password. */
    declare refreshFamily: CreationOptional<string | null>;
    declare createdAt: CreationOptional<Date>;
  }
  AuthToken.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      revokedAt: { type: DataTypes.DATE, allowNull: true },
      refreshFamily: { type: DataTypes.STRING(32), allowNull: true },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'auth_tokens', underscored: true, updatedAt: false },
  );

  /** «Запомнить меня»: a rotating refresh token, stored hashed (migration 0060-refresh-tokens). */
  class RefreshToken extends Model<InferAttributes<RefreshToken>, InferCreationAttributes<RefreshToken>> {
    declare id: CreationOptional<number>;
    declare tokenHash: string;
    declare familyId: string;
    declare userId: number;
    declare expiresAt: Date;
    /** Set when the token was exchanged (rotated); presenting it again ends the family. */
    declare usedAt: CreationOptional<Date | null>;
    declare revokedAt: CreationOptional<Date | null>;
    declare createdAt: Date;
  }
  RefreshToken.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      familyId: { type: DataTypes.STRING(32), allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      usedAt: { type: DataTypes.DATE, allowNull: true },
      revokedAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'refresh_tokens', underscored: true, updatedAt: false },
  );

  class AuditEntry extends Model<InferAttributes<AuditEntry>, InferCreationAttributes<AuditEntry>> {
    declare id: CreationOptional<number>;
    declare at: Date;
    declare userId: number | null;
    declare orgId: number | null;
    declare action: string;
    declare entity: string;
    declare entityId: string | null;
    declare fields: string | null;
    declare details: string | null;
  }
  AuditEntry.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      at: { type: DataTypes.DATE, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: true },
      orgId: { type: DataTypes.INTEGER, allowNull: true },
      action: { type: DataTypes.STRING(64), allowNull: false },
      entity: { type: DataTypes.STRING(64), allowNull: false },
      entityId: { type: DataTypes.STRING(64), allowNull: true },
      fields: { type: DataTypes.TEXT, allowNull: true },
      details: { type: DataTypes.TEXT, allowNull: true },
    },
    { sequelize, tableName: 'audit_log', underscored: true, timestamps: false },
  );

  return { Organisation, Passport, User, AuthToken, RefreshToken, AuditEntry };
}

export type Models = ReturnType<typeof defineModels>;
export type OrganisationRow = InstanceType<Models['Organisation']>;
export type UserRow = InstanceType<Models['User']>;
