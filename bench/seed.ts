import type { Deps } from '../server/services/common/deps.js'
import { createApiKey } from '../server/services/console/keys-and-links.js'
import { createMerchant } from '../server/services/console/setup.js'
import { joinProgram } from '../server/services/members/join.js'

/**
 * The earn benchmarks' merchant, on either backend: the ready-made program, `members` members (a till
 * serves many: earns go round the cards, as at a real merchant) and a POS key.
 */
export async function seedPosMerchant(
  deps: Deps,
  members: number,
): Promise<{ merchantId: string; key: string; cards: { id: string; cardNumber: string }[] }> {
  const { merchantId, ownerId } = await createMerchant(
    deps.db,
    {
      slug: 'bench',
      name: 'Bench',
      currency: 'EUR',
      timezone: 'UTC',
      brandColor: '#000000',
      owner: { name: 'B', email: 'b@bench.test', password: 'bench-password' },
    },
    new Date(),
  )
  const cards: { id: string; cardNumber: string }[] = []
  for (let i = 0; i < members; i++) {
    const { card } = await joinProgram(
      deps,
      { slug: 'bench', name: `Bench member ${i}`, marketingConsent: false },
      null,
    )
    cards.push({ id: card.id, cardNumber: card.cardNumber })
  }
  const { key } = await createApiKey(deps, { id: ownerId, merchantId }, 'bench')
  return { merchantId, key, cards }
}
