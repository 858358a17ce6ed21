// The password policy the server enforces, checked here too so the user sees which rule fails while
// typing. The server stays the authority (it also knows the initial password).

export interface PasswordCheck {
  length: boolean
  noBlank: boolean
  classes: boolean
  notUsername: boolean
  notOld: boolean
}

export const MIN_PASSWORD_LENGTH = 8
export const MAX_PASSWORD_LENGTH = 64

/** How many of upper-case letters, lower-case letters, digits and other symbols occur. */
export function characterClasses(pw: string): number {
  let n = 0
  if (/[A-Z]/.test(pw)) n++
  if (/[a-z]/.test(pw)) n++
  if (/[0-9]/.test(pw)) n++
  if (/[^A-Za-z0-9\s]/.test(pw)) n++
  return n
}

export function checkPassword(pw: string, username: string, oldPassword: string): PasswordCheck {
  // Code points, not UTF-16 units, so a Chinese character or emoji counts once.
  const length = Array.from(pw).length
  return {
    length: length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH,
    // Spaces and control characters are refused by the server.
    noBlank: !/[\s\u0000-\u001f\u007f]/.test(pw),
    classes: characterClasses(pw) >= 3,
    notUsername: pw === '' || pw.toLowerCase() !== username.trim().toLowerCase(),
    notOld: pw === '' || pw !== oldPassword,
  }
}

export function passwordAcceptable(c: PasswordCheck): boolean {
  return c.length && c.noBlank && c.classes && c.notUsername && c.notOld
}
