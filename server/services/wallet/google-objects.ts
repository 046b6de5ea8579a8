import { Secret } from 'otpauth'
import { qrPayload, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../../contract/card-code.js'
import type { GoogleCredentials } from './credentials.js'
import type { PassContent } from './pass-content.js'
import { PASS_LANGUAGES, PASS_TEXT, type PassLanguage, type PassTextKey } from './pass-text.js'

/*
 * The Google Wallet loyalty class (one per business: its brand) and object (one per card), as the
 * REST API takes them. Pure: the calls are in google-api.ts.
 */

export const googleClassId = (creds: GoogleCredentials, merchantId: string) => `${creds.issuerId}.m-${merchantId}`
export const googleObjectId = (creds: GoogleCredentials, passId: string) => `${creds.issuerId}.p-${passId}`

/** The card's base32 TOTP secret as the hex key Google's totpDetails take. */
export const secretHex = (base32: string) => Secret.fromBase32(base32).hex

/**
 * Google draws `{totp_value_0}` from the key every period: the same code the PWA draws from the same
 * secret, in the same `LW1:<card number>:<code>` the till parses.
 */
export const valuePattern = (cardNumber: string) => qrPayload(cardNumber, '{totp_value_0}')

/**
 * A label in every language: Google shows the one for the device's language, else the default value,
 * which is the reader's own (the member's stored language for an object, the business's for its class).
 */
const localized = (key: PassTextKey, lang: PassLanguage) => ({
  defaultValue: { language: lang, value: PASS_TEXT[lang][key] },
  translatedValues: PASS_LANGUAGES.filter((l) => l !== lang).map((l) => ({ language: l, value: PASS_TEXT[l][key] })),
})

export function loyaltyClass(creds: GoogleCredentials, m: PassContent['merchant'], logoUrl: string) {
  return {
    id: googleClassId(creds, m.id),
    issuerName: m.name,
    programName: m.name,
    programLogo: { sourceUri: { uri: logoUrl } },
    hexBackgroundColor: m.brandColor,
    reviewStatus: 'UNDER_REVIEW',
    localizedRewardsTier: localized('tier', m.language),
  }
}

export function loyaltyObject(creds: GoogleCredentials, c: PassContent, objectId: string) {
  return {
    id: objectId,
    classId: googleClassId(creds, c.merchant.id),
    state: c.closed ? 'INACTIVE' : 'ACTIVE',
    accountId: c.cardNumber,
    accountName: c.memberName || c.cardNumber,
    hexBackgroundColor: c.merchant.brandColor,
    loyaltyPoints: {
      label: PASS_TEXT[c.language].points,
      localizedLabel: localized('points', c.language),
      balance: { int: c.balance },
    },
    ...(c.tier
      ? {
          secondaryLoyaltyPoints: undefined,
          textModulesData: [
            {
              id: 'tier',
              header: PASS_TEXT[c.language].tier,
              localizedHeader: localized('tier', c.language),
              body: c.tier,
            },
          ],
        }
      : { textModulesData: [] }),
    ...(c.next
      ? {
          infoModuleData: {
            labelValueRows: [
              {
                columns: [
                  {
                    label: PASS_TEXT[c.language].next,
                    localizedLabel: localized('next', c.language),
                    value: `${c.next.pointsNeeded} → ${c.next.name}`,
                  },
                ],
              },
            ],
          },
        }
      : {}),
    rotatingBarcode: {
      type: 'QR_CODE',
      valuePattern: valuePattern(c.cardNumber),
      alternateText: `${c.cardNumber.slice(0, 4)} ${c.cardNumber.slice(4)}`,
      totpDetails: {
        periodMillis: String(TOTP_PERIOD_SECONDS * 1000),
        algorithm: 'TOTP_SHA1',
        parameters: [{ key: secretHex(c.totpSecret), valueLength: TOTP_DIGITS }],
      },
    },
  }
}
