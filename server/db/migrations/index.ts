import type { Migration } from 'kysely'
import * as m0001 from './0001-initial.js'
import * as m0006 from './0006-account-recovery-privacy.js'

/** Numbered, append-only. Add the next file and list it here; never edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0006-account-recovery-privacy': m0006,
}
