/** Program settings (merchant console) and the member's birthday: typed calls over the shared contract. */
import type { z } from 'zod'
import type {
  BirthdayResponse,
  ProgramPreview,
  ProgramRulesInput,
  ProgramSettings,
} from '../../server/contract/program.js'
import { request } from './client.js'

export type {
  CardStatus,
  ProgramPreview,
  ProgramRules,
  ProgramRulesInput,
  ProgramSettings,
  Promotion,
  Tier,
} from '../../server/contract/program.js'
export type Birthday = z.infer<typeof BirthdayResponse>

export const programApi = {
  get: () => request<ProgramSettings>('GET', '/merchant/program'),
  save: (rules: ProgramRulesInput, effectiveFrom?: string) =>
    request<ProgramSettings>('PUT', '/merchant/program', { body: { rules, effectiveFrom } }),
  preview: (rules: ProgramRulesInput) =>
    request<ProgramPreview>('POST', '/merchant/program/preview', { body: { rules } }),
  birthday: () => request<Birthday>('GET', '/me/birthday'),
  setBirthday: (birthday: string) => request<Birthday>('PUT', '/me/birthday', { body: { birthday } }),
}
