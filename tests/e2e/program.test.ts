import { describe, expect, it } from 'vitest'
import { DEMO_STAFF } from '../../server/seed/demo.js'
import { expectNoAxeViolations, phoneContext, screenshot, serverAndBrowser } from './harness.js'

const e2e = serverAndBrowser(90_000)

describe('program settings and the card', () => {
  it('a manager previews a change on the last 90 days, fixes an invalid tier inline, and saves it', async () => {
    const ctx = await phoneContext(e2e.browser, e2e.server.url)
    const page = await ctx.newPage()
    const manager = DEMO_STAFF[1]
    await page.goto('/staff/login')
    await page.getByLabel('Email').fill(manager.email)
    await page.getByLabel('Password', { exact: true }).fill(manager.password)
    await page.getByRole('button', { name: /sign in/i }).click()
    await page.getByTestId('nav-program').click()
    await expect.poll(() => page.getByTestId('tier-name-1').inputValue()).toBe('Gold')
    await screenshot(page, 'program-settings')
    await expectNoAxeViolations(page)

    // Gold below Silver: the field says why, and nothing is previewed.
    await page.getByTestId('tier-threshold-1').fill('10')
    await page.getByTestId('run-preview').click()
    await expect.poll(() => page.getByText('Each tier needs more points than the one before.').count()).toBe(1)
    await page.getByTestId('tier-threshold-1').fill('60')
    await page.getByTestId('welcome-bonus').fill('20')
    await page.getByTestId('run-preview').click()
    await page.getByTestId('preview-table').waitFor()
    await screenshot(page, 'program-preview')
    await expectNoAxeViolations(page)
    await page.getByTestId('save-program').click()
    await expect.poll(() => page.getByTestId('program-version').textContent()).toMatch(/Version 3/)
    await ctx.close()
  }, 90_000)

  it('a member who joins sees the welcome bonus, the progress to Silver and the invite link', async () => {
    const ctx = await phoneContext(e2e.browser, e2e.server.url)
    const page = await ctx.newPage()
    await page.goto('/join/demo')
    await page.getByLabel(/name/i).first().fill('Zoe')
    await page.getByRole('button', { name: /get my card/i }).click()
    await page.getByTestId('tier-progress').waitFor()
    const text = await page.getByTestId('tier-progress').textContent()
    expect(text).toMatch(/points to Silver/)
    expect(await page.getByTestId('invite-url').textContent()).toMatch(/\/join\/demo\?ref=[a-z0-9]+$/)
    await screenshot(page, 'card-tier')
    await expectNoAxeViolations(page)

    await page.goto('/settings')
    await page.getByTestId('birthday-input').fill('1990-12-30')
    await page.getByTestId('birthday-save').click()
    await page.getByText('Birthday saved.').waitFor()
    await screenshot(page, 'settings-birthday')
    await expectNoAxeViolations(page)
    await ctx.close()
  }, 90_000)
})
