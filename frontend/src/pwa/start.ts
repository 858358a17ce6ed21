// The installed app's start page: where the home-screen icon opens (manifest.webmanifest's start_url) and what
// the install QR code points at. The post user's inspection list (隐患排查); the guard sends anyone not signed
// in to the login page first and back here after.
export const START_PATH = '/today'

/** The address the QR code encodes: this site's own origin and the start page. */
export function startUrl(origin: string = window.location.origin): string {
  return origin.replace(/\/+$/, '') + START_PATH
}
