/**
 * Connects the counters to the member write path: every write of members (pushes, actions, transfers,
 * undo, the demo seed) reaches applyMemberChanges in the writing transaction. Registered once per
 * process when the progress routes are loaded (that is, whenever the app is created).
 */
import { onMemberChanges } from '../members/member-writes';
import { applyMemberChanges } from './counters';

let registered = false;

export function registerProgressCounters(): void {
  if (registered) return;
  registered = true;
  onMemberChanges(async (ctx, tx, changes) => {
    await applyMemberChanges(ctx, tx, changes);
  });
}

registerProgressCounters();
