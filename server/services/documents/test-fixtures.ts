/**
 * Fixtures of the document service tests and of the authorisation matrix (not a test file itself):
 * members inserted straight into the members table, and the details every consent needs.
 */
import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import type { Express } from 'express';
import type { Ctx } from '../context';

export interface FixtureMember {
  surname: string;
  name: string;
  patronymic?: string | null;
  address?: string | null;
  idDocument?: string | null;
  phone?: string | null;
  email?: string | null;
  consentUnion?: string | null;
  consentOperator?: string | null;
  consentNotify?: string | null;
  deregisteredAt?: string | null;
}

/** Inserts members of `orgId` (a primary organisation or a unit of `primaryOrgId`); returns their ids. */
export async function insertMembers(ctx: Ctx, orgId: number, members: readonly FixtureMember[], primaryOrgId = orgId): Promise<string[]> {
  const ids: string[] = [];
  const now = ctx.now();
  for (const m of members) {
    const id = randomUUID();
    ids.push(id);
    await ctx.db.sequelize.query(
      `INSERT INTO members (id, org_id, primary_org_id, surname, name, patronymic, name_key, birth_date, category, address, id_document, phone, email,
         consent_union, consent_operator, consent_notify, registered_at, deregistered_at, version, created_at, updated_at)
       VALUES (:id, :orgId, :primaryOrgId, :surname, :name, :patronymic, :nameKey, '1985-03-14', 'employee', :address, :idDocument, :phone, :email,
         :consentUnion, :consentOperator, :consentNotify, '2020-09-01', :deregisteredAt, 1, :now, :now)`,
      {
        replacements: {
          id,
          orgId,
          primaryOrgId,
          surname: m.surname,
          name: m.name,
          patronymic: m.patronymic ?? null,
          nameKey: `${m.surname} ${m.name} ${m.patronymic ?? ''}|1985-03-14|${id}`.toLowerCase(),
          address: m.address ?? null,
          idDocument: m.idDocument ?? null,
          phone: m.phone ?? null,
          email: m.email ?? null,
          consentUnion: m.consentUnion ?? null,
          consentOperator: m.consentOperator ?? null,
          consentNotify: m.consentNotify ?? null,
          deregisteredAt: m.deregisteredAt ?? null,
          now,
        },
      },
    );
  }
  return ids;
}

/** Test values of the card operator (the real ones are set by the administrator). */
export const TEST_CARD_OPERATOR = { inn: '7830002293', address: '190000, г. Санкт-Петербург, ул. Тестовая, д. 1' };

/**
 * What the consents of a primary organisation need besides its passport: the legal addresses of its
 * superior organisations and the card operator's details, set through the API as the administrator.
 */
export async function prepareConsentDetails(app: Express, adminToken: string, superiorOrgIds: readonly number[]): Promise<void> {
  const put = async (path: string, body: object) => {
    const res = await request(app).put(`/api/v1${path}`).set({ Authorization: `Bearer ${adminToken}` }).send(body);
    if (res.status !== 200) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  for (const id of superiorOrgIds) {
    await put(`/organisations/${id}/documents/details`, { legalAddress: `420000, г. Демонстрационный, ул. Профсоюзная, д. ${id}`, contact: '+7 843 200-00-00, help@example.org' });
  }
  await put('/settings/documents', { cardOperator: TEST_CARD_OPERATOR });
}

export interface CraftedEntry {
  name: string;
  data: Buffer;
  /** 8 deflate (default) or 0 stored. */
  method?: 0 | 8;
  /** Lie about the unpacked size in the headers (zip bombs do). */
  declaredSize?: number;
}

/** A minimal ZIP archive (no CRC: the guard does not read it) for upload tests. */
export function craftZip(entries: readonly CraftedEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const packed = method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declaredSize ?? e.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(packed.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(packed.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, packed);
    central.push(ch, name);
    offset += lh.length + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
