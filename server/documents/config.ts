/**
 * config/documents.json: operators' details and the variable parts of the consents' texts.
 * They are configuration, not code: an administrator edits the file, the templates stay as they are.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseConfig, readConfigJson } from '../config-file';
import { innChecksumOk } from '../../domain/inn';
import { cardOperatorDataList } from '../../domain/card-operator-data';
import type { ConsentKind } from '../../domain/members/codes';
import { DocumentsConfigError } from './errors';

const Text = z.string().trim().min(1);
const ConsentTexts = z.object({
  purpose: Text,
  data_list: Text,
  actions: Text,
  methods: Text,
  term: Text,
  revocation: Text,
});

/**
 * The consent to the card operator: its list of data is not configurable — it is the one definition in
 * domain/card-operator-data.ts that the operator's register is made of, so the two cannot drift apart.
 */
const OperatorConsentTexts = ConsentTexts.omit({ data_list: true }).extend({
  data_list: z
    .never({
      message:
        'перечень данных для оператора электронных профсоюзных билетов задаётся в программе (domain/card-operator-data.ts) вместе со столбцами реестра для оператора; уберите consents.operator.data_list из файла',
    })
    .optional(),
});

/** A processor (обработчик по поручению оператора): printed in the consents only when set. */
const Processor = z.object({ name: Text, inn: z.string().trim().refine((v) => innChecksumOk(v), 'ИНН: 10 или 12 цифр с верным контрольным числом').nullable().default(null), address: Text }).nullable().default(null);

export const PROCESSOR_ROLES = ['hosting', 'sms', 'push'] as const;
export type ProcessorRole = (typeof PROCESSOR_ROLES)[number];

export const DocumentsConfigSchema = z.object({
  operators: z.object({
    card_operator: z.object({
      name: Text,
      inn: z
        .string()
        .trim()
        .refine((v) => innChecksumOk(v) && v.length === 10, 'ИНН организации: 10 цифр с верным контрольным числом')
        .nullable(),
      address: Text.nullable(),
      /** The union's contract with the operator, printed as the addressee of card orders, e.g. «договор № 12/2024 от 15.01.2024». */
      contract: Text.nullable().default(null),
    }),
  }),
  /** Processors of the register's data on the union's behalf: the hosting contractor, the SMS gateway, the PUSH app. */
  processors: z.object({ hosting: Processor, sms: Processor, push: Processor }).default({ hosting: null, sms: null, push: null }),
  consents: z.object({ union: ConsentTexts, operator: OperatorConsentTexts, notify: ConsentTexts }),
  /** Price of one electronic union card, roubles, by year from which it applies. */
  card_prices: z.record(z.string().regex(/^\d{4}$/), z.number().positive()),
});

export type DocumentsConfig = z.infer<typeof DocumentsConfigSchema>;
export type ConsentTexts = z.infer<typeof ConsentTexts>;

export const DEFAULT_DOCUMENTS_CONFIG_PATH = path.resolve(__dirname, '..', '..', 'config', 'documents.json');

/** Validates a parsed config object; throws with every problem listed (for the administrator). */
export function parseDocumentsConfig(json: unknown, source = 'config/documents.json'): DocumentsConfig {
  return parseConfig(DocumentsConfigSchema, json, source);
}

let cached: { file: string; config: DocumentsConfig } | null = null;

/** Reads and validates the config file (DOCUMENTS_CONFIG overrides the path); cached per path. */
export function loadDocumentsConfig(file = process.env.DOCUMENTS_CONFIG ?? DEFAULT_DOCUMENTS_CONFIG_PATH): DocumentsConfig {
  if (cached && cached.file === file) return cached.config;
  const config = parseDocumentsConfig(readConfigJson(file, 'documents configuration'), file);
  cached = { file, config };
  return config;
}

export interface CardOperator {
  name: string;
  inn: string;
  address: string;
}

/** The card operator's details; DocumentsConfigError names what is not filled in. */
export function cardOperator(config: DocumentsConfig): CardOperator {
  const { name, inn, address } = config.operators.card_operator;
  const missing: string[] = [];
  if (!inn) missing.push('ИНН оператора электронных профсоюзных билетов (operators.card_operator.inn)');
  if (!address) missing.push('адрес оператора электронных профсоюзных билетов (operators.card_operator.address)');
  if (missing.length) throw new DocumentsConfigError(missing);
  return { name, inn: inn!, address: address! };
}

export function consentTexts(config: DocumentsConfig, kind: ConsentKind): ConsentTexts {
  if (kind === 'operator') {
    const { purpose, actions, methods, term, revocation } = config.consents.operator;
    return { purpose, data_list: cardOperatorDataList(), actions, methods, term, revocation };
  }
  return config.consents[kind];
}

/** Price of one card in kopecks for a year: the latest price set for that year or an earlier one. */
export function cardPriceKopecks(config: DocumentsConfig, year: number): number {
  const years = Object.keys(config.card_prices)
    .map(Number)
    .filter((y) => y <= year)
    .sort((a, b) => b - a);
  if (!years.length) throw new DocumentsConfigError([`цена электронного профсоюзного билета на ${year} год (card_prices)`]);
  return Math.round(config.card_prices[String(years[0])] * 100);
}
