import nodemailer, { type Transporter } from 'nodemailer'
import type { Config } from '../config.js'

export interface Mail {
  to: string
  subject: string
  text: string
  html: string
}

const transports = new WeakMap<Config, Transporter>()

function transportFor(config: Config): Transporter | null {
  const smtp = config.smtp
  if (!smtp) return null
  let t = transports.get(config)
  if (!t) {
    t = smtp.url
      ? nodemailer.createTransport(smtp.url)
      : nodemailer.createTransport({
          host: smtp.host!,
          port: smtp.port,
          secure: smtp.secure,
          auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
        })
    transports.set(config, t)
  }
  return t
}

/**
 * Sends one message through the configured SMTP server. With none configured (one machine,
 * `npm start`), the message is printed on the console so the link can still be opened.
 */
export async function sendMail(config: Config, mail: Mail): Promise<void> {
  const t = transportFor(config)
  if (!t) {
    console.log(`[mail] no SMTP configured; message for ${mail.to}:\n  ${mail.subject}\n${mail.text}`)
    return
  }
  await t.sendMail({ from: config.smtp!.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html })
}
