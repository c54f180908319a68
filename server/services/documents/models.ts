/**
 * Models of the document tables (migration 0020-documents), defined once per Sequelize instance
 * (tests run SQLite and PostgreSQL side by side).
 */
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Db } from '../../db';

function define(sequelize: Sequelize) {
  class DocumentTemplate extends Model<InferAttributes<DocumentTemplate>, InferCreationAttributes<DocumentTemplate>> {
    declare id: CreationOptional<number>;
    declare kind: string;
    declare version: number;
    declare sha256: string;
    declare content: Buffer;
    declare sizeBytes: number;
    declare uploadedBy: number | null;
    declare uploadedAt: Date;
    declare active: boolean;
  }
  DocumentTemplate.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      content: { type: DataTypes.BLOB, allowNull: false },
      sizeBytes: { type: DataTypes.INTEGER, allowNull: false },
      uploadedBy: { type: DataTypes.INTEGER, allowNull: true },
      uploadedAt: { type: DataTypes.DATE, allowNull: false },
      active: { type: DataTypes.BOOLEAN, allowNull: false },
    },
    { sequelize, tableName: 'document_templates', underscored: true, timestamps: false, modelName: 'DocumentTemplate' },
  );

  class PrintedDocument extends Model<InferAttributes<PrintedDocument>, InferCreationAttributes<PrintedDocument>> {
    declare id: string;
    declare kind: string;
    declare templateVersion: string;
    declare orgId: number | null;
    declare memberIds: string | null;
    declare subjectUserId: number | null;
    declare userId: number;
    declare format: string;
    declare fileName: string;
    declare contentType: string;
    declare sizeBytes: number;
    declare createdAt: Date;
    declare downloadTokenHash: string;
    declare expiresAt: Date;
    declare downloadedAt: CreationOptional<Date | null>;
    declare file: Buffer | null;
    declare fileDeletedAt: CreationOptional<Date | null>;
  }
  PrintedDocument.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      templateVersion: { type: DataTypes.TEXT, allowNull: false },
      orgId: { type: DataTypes.INTEGER, allowNull: true },
      memberIds: { type: DataTypes.TEXT, allowNull: true },
      subjectUserId: { type: DataTypes.INTEGER, allowNull: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      format: { type: DataTypes.STRING(8), allowNull: false },
      fileName: { type: DataTypes.STRING(255), allowNull: false },
      contentType: { type: DataTypes.STRING(120), allowNull: false },
      sizeBytes: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE, allowNull: false },
      downloadTokenHash: { type: DataTypes.STRING(64), allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      downloadedAt: { type: DataTypes.DATE, allowNull: true },
      file: { type: DataTypes.BLOB, allowNull: true },
      fileDeletedAt: { type: DataTypes.DATE, allowNull: true },
    },
    { sequelize, tableName: 'printed_documents', underscored: true, timestamps: false, modelName: 'PrintedDocument' },
  );

  class Setting extends Model<InferAttributes<Setting>, InferCreationAttributes<Setting>> {
    declare key: string;
    declare value: string;
    declare updatedBy: number | null;
    declare updatedAt: Date;
  }
  Setting.init(
    {
      key: { type: DataTypes.STRING(200), primaryKey: true },
      value: { type: DataTypes.TEXT, allowNull: false },
      updatedBy: { type: DataTypes.INTEGER, allowNull: true },
      updatedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'settings', underscored: true, timestamps: false, modelName: 'Setting' },
  );

  return { DocumentTemplate, PrintedDocument, Setting };
}

export type DocumentModels = ReturnType<typeof define>;
export type PrintedDocumentRow = InstanceType<DocumentModels['PrintedDocument']>;
export type DocumentTemplateRow = InstanceType<DocumentModels['DocumentTemplate']>;

const defined = new WeakMap<Sequelize, DocumentModels>();

export function documentModels(db: Db): DocumentModels {
  let m = defined.get(db.sequelize);
  if (!m) {
    m = define(db.sequelize);
    defined.set(db.sequelize, m);
  }
  return m;
}
