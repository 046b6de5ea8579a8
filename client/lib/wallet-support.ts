/**
 * Which phone wallet a browser can add a pass to, from its user agent. Apple Wallet takes a .pkpass
 * on iOS (any browser hands it to Wallet) and in Safari on a Mac; Google Wallet's save link works on
 * Android and in desktop Chrome. Elsewhere the button would lead nowhere, so it is not shown.
 */
export function walletsFor(ua: string): { apple: boolean; google: boolean } {
  const ios = /iPhone|iPad|iPod/.test(ua)
  const android = /Android/.test(ua)
  const chromeFamily = /(Chrome|Chromium|CriOS|Edg|OPR|SamsungBrowser)\//.test(ua)
  const macSafari = !ios && /Macintosh/.test(ua) && /Safari\//.test(ua) && !chromeFamily && !/Firefox\//.test(ua)
  const desktopChrome = !ios && !android && /(Chrome|Chromium)\//.test(ua) && !/(Edg|OPR)\//.test(ua)
  return { apple: ios || macSafari, google: android || desktopChrome }
}
