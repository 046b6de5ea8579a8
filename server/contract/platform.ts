import { z } from 'zod'
import { BUSINESS_KINDS } from './business-kinds.js'
import { Currency, Email, Id, TimeZone } from './common.js'
import { SLUG_MAX, slugProblem } from './slugs.js'
import { StaffMe } from './staff.js'

/* Many businesses on one installation: sign-up, email verification, the first run, the operator. */

export { BUSINESS_KINDS }
export const BusinessKind = z.enum(BUSINESS_KINDS)
export type BusinessKind = z.infer<typeof BusinessKind>

/** setup: signed up, not open to members yet; live; suspended by an operator; closed for good. */
export const BusinessStatus = z.enum(['setup', 'live', 'suspended', 'closed'])
export type BusinessStatus = z.infer<typeof BusinessStatus>

export const Country = z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code like PL')
export const MailLocale = z.enum(['en', 'pl']).default('en')

export const SignupMode = z.enum(['open', 'invite', 'closed'])
export const SignupStatus = z
  .object({
    mode: SignupMode,
    /** With ?invite=: whether that invitation can still be used. */
    invite: z.enum(['valid', 'invalid']).nullable(),
  })
  .meta({ id: 'SignupStatus' })
export type SignupStatus = z.infer<typeof SignupStatus>

/** Lower-cased before the rules apply, so "Corner-Cafe" is read as "corner-cafe". */
export const SignupSlug = z
  .string()
  .trim()
  .toLowerCase()
  .max(SLUG_MAX + 20)
  .refine((s) => slugProblem(s) !== 'invalid', `3 to ${SLUG_MAX} lowercase letters, digits and single hyphens`)

export const SlugCheckQuery = z.object({ slug: z.string().max(100) })
export const SlugCheck = z
  .object({
    slug: z.string(),
    available: z.boolean(),
    problem: z.enum(['invalid', 'reserved', 'taken']).nullable(),
  })
  .meta({ id: 'SlugCheck' })
export type SlugCheck = z.infer<typeof SlugCheck>

export const BusinessSignup = z.object({
  businessName: z.string().trim().min(1, 'required').max(80),
  kind: BusinessKind,
  country: Country,
  currency: Currency,
  timezone: TimeZone,
  slug: SignupSlug,
  ownerName: z.string().trim().min(1, 'required').max(80),
  ownerEmail: Email,
  ownerPassword: z.string().min(10, 'at least 10 characters').max(200),
  /** The operator's invitation token (SIGNUP=invite). */
  invite: z.string().max(200).optional(),
  /** The language of the verification mail. */
  locale: MailLocale,
})
export type BusinessSignup = z.infer<typeof BusinessSignup>
export const BusinessSignupResult = z.object({ me: StaffMe, verificationSentTo: z.string() })

export const TokenBody = z.object({ token: z.string().min(10).max(200) })
export const VerifyResult = z.object({ verified: z.literal(true), businessName: z.string() })
export const ResendVerification = z.object({ locale: MailLocale })

/* ---- First run ---- */

export const FIRST_RUN_STEPS = ['email', 'program', 'branding', 'poster', 'staff', 'test_scan', 'go_live'] as const
export const FirstRunStepName = z.enum(FIRST_RUN_STEPS)
export type FirstRunStepName = z.infer<typeof FirstRunStepName>
/** Steps the owner may mark done themselves (the rest are done by doing them). */
export const MarkableStep = z.enum(['poster', 'staff'])

export const FirstRunStep = z.object({
  step: FirstRunStepName,
  done: z.boolean(),
  skipped: z.boolean(),
  doneAt: z.string().nullable(),
})
export const FirstRun = z
  .object({
    status: BusinessStatus,
    kind: BusinessKind.nullable(),
    steps: z.array(FirstRunStep),
    /** Every step done (or skipped): the owner no longer lands on the checklist. */
    complete: z.boolean(),
    remaining: z.number().int(),
    /** Going live needs a proven email address and a program. */
    canGoLive: z.boolean(),
    ownerEmail: z.string(),
  })
  .meta({ id: 'FirstRun' })
export type FirstRun = z.infer<typeof FirstRun>

const Name = z.string().trim().min(1, 'required').max(80)
export const TemplateReward = z.object({
  name: Name,
  terms: z.string().trim().max(500).default(''),
  image: z.string().trim().max(8).default(''),
  pointsCost: z.number().int().min(1, 'at least 1').max(1_000_000),
})
export const ProgramTemplate = z
  .object({
    kind: BusinessKind,
    pointsPerUnit: z.number().int().min(0).max(1000),
    unitMinor: z.number().int().min(1).max(1_000_000),
    welcomeBonus: z.number().int().min(0).max(100_000),
    birthdayBonus: z.number().int().min(0).max(100_000),
    /** Months after which earned points expire; null: they never do. */
    expiryMonths: z.number().int().min(1).max(120).nullable(),
    stampCard: z
      .object({
        stampsRequired: z.number().int().min(2).max(30),
        rewardTitle: Name,
        rewardTerms: z.string().trim().max(500).default(''),
      })
      .nullable(),
    rewards: z.array(TemplateReward).max(6),
  })
  .meta({ id: 'ProgramTemplate' })
export type ProgramTemplate = z.infer<typeof ProgramTemplate>
export const TemplateQuery = z.object({ locale: z.enum(['en', 'pl']).default('en') })

export const PracticeCard = z
  .object({
    cardNumber: z.string(),
    totpSecret: z.string(),
    totpPeriod: z.number().int(),
  })
  .meta({ id: 'PracticeCard' })
export type PracticeCard = z.infer<typeof PracticeCard>

/* ---- Operator ---- */

export const OperatorBusiness = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    kind: BusinessKind.nullable(),
    country: z.string().nullable(),
    status: BusinessStatus,
    emailVerified: z.boolean(),
    createdAt: z.string(),
    suspendedReason: z.string().nullable(),
    exportedAt: z.string().nullable(),
    /** Open member cards (counts only: operators never see who). */
    members: z.number().int(),
    /** Members with a purchase in the last 30 days. */
    active30: z.number().int(),
    purchases30: z.number().int(),
    pushes30: z.number().int(),
    locations: z.number().int(),
    staff: z.number().int(),
  })
  .meta({ id: 'OperatorBusiness' })
export type OperatorBusiness = z.infer<typeof OperatorBusiness>
export const OperatorBusinesses = z.object({ signupMode: SignupMode, businesses: z.array(OperatorBusiness) })
export const SuspendRequest = z.object({ reason: z.string().trim().min(3, 'say why, in a few words').max(300) })
export const BusinessIdParam = z.object({ id: Id })

export const OperatorInvite = z
  .object({
    id: z.string(),
    note: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
    businessName: z.string().nullable(),
  })
  .meta({ id: 'OperatorInvite' })
export type OperatorInvite = z.infer<typeof OperatorInvite>
export const CreateInvite = z.object({ note: z.string().trim().max(200).default('') })
export const CreatedInvite = OperatorInvite.extend({ url: z.string() })
export type CreatedInvite = z.infer<typeof CreatedInvite>

/** What closing a business keeps: its books without any member's personal data. */
export const BusinessExport = z
  .object({
    exportedAt: z.string(),
    business: z.object({
      slug: z.string(),
      name: z.string(),
      kind: z.string().nullable(),
      country: z.string().nullable(),
      currency: z.string(),
      timezone: z.string(),
      createdAt: z.string(),
    }),
    locations: z.array(z.object({ id: z.string(), name: z.string(), address: z.string(), timezone: z.string() })),
    programVersions: z.array(
      z.object({ version: z.number().int(), effectiveFrom: z.string(), rules: z.record(z.string(), z.unknown()) }),
    ),
    rewards: z.array(z.object({ name: z.string(), pointsCost: z.number().int(), active: z.boolean() })),
    /** Cards by number only. */
    cards: z.array(
      z.object({ cardNumber: z.string(), balance: z.number().int(), joinedAt: z.string(), closed: z.boolean() }),
    ),
    ledger: z.array(
      z.object({
        cardNumber: z.string(),
        kind: z.string(),
        points: z.number().int(),
        balanceAfter: z.number().int(),
        amountMinor: z.number().int().nullable(),
        locationId: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'BusinessExport' })
export type BusinessExport = z.infer<typeof BusinessExport>
