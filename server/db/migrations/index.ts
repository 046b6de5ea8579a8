import type { Migration } from 'kysely'
import * as m0001 from './0001-initial.js'
import * as m0002 from './0002-program-engine.js'
import * as m0003 from './0003-rewards-coupons-stamps.js'
import * as m0004 from './0004-console-admin.js'
import * as m0005 from './0005-push.js'
import * as m0006 from './0006-account-recovery-privacy.js'
import * as m0007 from './0007-email-verified.js'
import * as m0008 from './0008-insights.js'
import * as m0009 from './0009-insights-lift-alerts.js'
import * as m0010 from './0010-lean-write-path.js'
import * as m0011 from './0011-several-processes.js'
import * as m0020 from './0020-businesses.js'
import * as m0021 from './0021-locations.js'
import * as m0022 from './0022-staff-accounts.js'
import * as m0030 from './0030-till-ready.js'
import * as m0040 from './0040-lots-and-card-summaries.js'
import * as m0050 from './0050-retention.js'
import * as m0060 from './0060-languages.js'
import * as m0070 from './0070-feedback.js'
import * as m0071 from './0071-offline-scan-locations.js'
import * as m0080 from './0080-wallet-passes.js'
import * as m0090 from './0090-webhooks.js'

/** Numbered, append-only. Add the next file and list it here; never edit a shipped one. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-program-engine': m0002,
  '0003-rewards-coupons-stamps': m0003,
  '0004-console-admin': m0004,
  '0005-push': m0005,
  '0006-account-recovery-privacy': m0006,
  '0007-email-verified': m0007,
  '0008-insights': m0008,
  '0009-insights-lift-alerts': m0009,
  '0010-lean-write-path': m0010,
  '0011-several-processes': m0011,
  '0020-businesses': m0020,
  '0021-locations': m0021,
  '0022-staff-accounts': m0022,
  '0030-till-ready': m0030,
  '0040-lots-and-card-summaries': m0040,
  '0050-retention': m0050,
  '0060-languages': m0060,
  '0070-feedback': m0070,
  '0071-offline-scan-locations': m0071,
  '0080-wallet-passes': m0080,
  '0090-webhooks': m0090,
}
