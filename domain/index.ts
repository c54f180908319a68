/** The public API of domain/: validators, the member sheet, row normalisation and duplicates. */
export * from './check';
export { normalizeSpaces, isBlankCell, plural } from './cell';
export * from './snils';
export * from './inn';
export * from './ogrn';
export * from './kpp';
export * from './postal';
export * from './phone';
export * from './dates';
export { checkNamePart, fixNameCase, nameKey, splitFullName, NAME_MAX_LENGTH, type FullName, type NamePartLabel } from './names';
export * from './email';
export * from './text';
export * from './members/codes';
export * from './members/columns';
export * from './members/sync-contract';
export * from './members/normalize-row';
export * from './members/duplicates';
