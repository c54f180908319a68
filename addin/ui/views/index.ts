/**
 * Every view of the pane. To add one (e.g. the seven-steps checklist): write
 * addin/ui/views/<name>.ts exporting a ViewDef and add it to this list.
 */
import type { ViewDef } from '../view';
import { helpView } from './help';
import { membersView } from './members';
import { organisationsView } from './organisations';
import { passportView } from './passport';
import { passwordView } from './password';
import { signInView } from './sign-in';
import { structureView } from './structure';

export const VIEWS: readonly ViewDef[] = [signInView, passwordView, organisationsView, membersView, passportView, structureView, helpView];
