import type { Migration } from 'kysely'
import * as m0001 from './0001-initial.js'
import * as m0005 from './0005-push.js'

/** Numbered, append-only. Add the next file and list it here; never edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0005-push': m0005,
}
