import type { Actor, Deps } from '../services/common/deps.js'
import type { Principal } from '../services/members/sessions.js'

/** What middleware puts on the context for the routes. */
export interface AppEnv {
  Variables: {
    deps: Deps
    customer: Principal | null
    staff: Principal | null
    actor: Actor
    requestId: string
  }
}
