import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router.js'
import { i18n, preferredLocale, setLocale } from './i18n/index.js'
import { captureInstallPrompt } from './composables/use-install-prompt.js'
import { warmFormatters } from './lib/format.js'
import './styles/main.css'

captureInstallPrompt()

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.use(i18n)

// Messages first, so the first paint is already in the user's language. The formatters are made
// while the messages download, instead of in the first render.
const locale = preferredLocale()
setTimeout(() => warmFormatters(locale))
try {
  await setLocale(locale)
} catch {
  await setLocale('en').catch(() => undefined)
}
app.mount('#app')
