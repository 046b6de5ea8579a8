/** Program settings (merchant console) and the member's birthday. */
import type { ProgramRulesInput } from '../../server/contract/program.js'
import { call, rpc } from './client.js'

export type {
  CardStatus,
  ProgramPreview,
  ProgramRules,
  ProgramRulesInput,
  ProgramSettings,
  Tier,
} from '../../server/contract/program.js'

export const programApi = {
  get: () => call(rpc.merchant.program.$get()),
  save: (rules: ProgramRulesInput, effectiveFrom?: string) =>
    call(rpc.merchant.program.$put({ json: { rules, effectiveFrom } })),
  preview: (rules: ProgramRulesInput) => call(rpc.merchant.program.preview.$post({ json: { rules } })),
  birthday: () => call(rpc.me.birthday.$get()),
  setBirthday: (birthday: string) => call(rpc.me.birthday.$put({ json: { birthday } })),
}
