/** Every area's matrix entries. A new area of the API adds its file here. */
import { cardsMatrix } from './cards.matrix';
import { documentsMatrix } from './documents.matrix';
import { foundationMatrix } from './foundation.matrix';
import { membersMatrix } from './members.matrix';
import { progressMatrix } from './progress.matrix';
import { spreadsheetsMatrix } from './spreadsheets.matrix';
import type { MatrixArea } from './types';

export const MATRIX_AREAS: MatrixArea[] = [foundationMatrix, progressMatrix, documentsMatrix, membersMatrix, cardsMatrix, spreadsheetsMatrix];
