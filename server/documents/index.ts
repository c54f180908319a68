/**
 * Documents from templates/: the public API of server/documents (pure functions, Buffer in → Buffer
 * out; no express, no database). The HTTP routes pack and send what these return.
 */
export { listPlaceholders, checkTemplate, fillDocument, type TemplateCheck } from './fill';
export { inspectTemplate, loadTemplate, type LoadedTemplate } from './package';
export type { TemplateValues, ListItem } from './compile';
export {
  buildConsentBatch,
  buildConsentZip,
  consentFileName,
  consentVariant,
  type ConsentVariant,
  consentMemberValues,
  consentStaticValues,
  organisationProblems,
  printability,
  BLANKS,
  CONSENT_ORDER,
  type ConsentBatchOptions,
  type ConsentMember,
  type ConsentOrganisation,
  type ConsentTemplates,
  type Printability,
  type SuperiorOrganisation,
} from './consents';
export {
  buildCardOrder,
  buildLoginLetter,
  buildObligation,
  cardOrderValues,
  loginLetterValues,
  obligationValues,
  NO_PHONE,
  type CardOrderData,
  type CardOrderMember,
  type LoginLetterData,
  type ObligationData,
} from './builders';
export { loadDocumentsConfig, parseDocumentsConfig, cardPriceKopecks, DEFAULT_DOCUMENTS_CONFIG_PATH, type DocumentsConfig } from './config';
export {
  DocumentError,
  DocumentDataError,
  DocumentsConfigError,
  MembersNotPrintableError,
  MissingPlaceholderError,
  OrganisationDetailsError,
  TemplateError,
  type NotPrintableMember,
} from './errors';
export { TEMPLATE_KINDS, TEMPLATE_KINDS_LIST, CONSENT_TEMPLATE_KIND, knownPlaceholders, requiredPlaceholders, type TemplateKind, type TemplateKindSpec } from './template-kinds';
export { readTemplateFile, TEMPLATES_DIR } from './templates';
