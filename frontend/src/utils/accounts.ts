// Account helpers shared by the user, regulator and enterprise pages: the login name suggested for a new
// post account, the light checks done before the server's, and how each kind of account signs in.

/** How an account signs in, shown next to a temporary password. */
export interface LoginHint {
  /** Which tab of the login page: 个人用户登录 or 企业用户登录. */
  mode: string
  /** What to type as the user name. */
  username: string
}

// Leading place names that say nothing about which enterprise it is (a Beijing system: the city), and
// the legal-form endings every company name has.
const PLACE_PREFIX = /^(中国|北京市|北京|天津市|天津|上海市|上海|重庆市|重庆)/
const PROVINCE_PREFIX = /^[\u4e00-\u9fa5]{2,5}?(省|自治区)([\u4e00-\u9fa5]{2,4}?市)?/
const LEGAL_SUFFIX = /(集团)?(股份)?有限(责任)?公司$|分公司$|总公司$|公司$|集团$|厂$/
const BRACKETS = /[（(][^（）()]*[)）]/g

/**
 * A short form of an enterprise name for login names (企业简称): without the city, bracketed parts and
 * the legal form; when still longer than four characters, its first two and last two characters
 * (北京朝阳示范商场有限公司 → 朝阳商场). Only a suggestion: the administrator may type anything.
 */
export function shortEnterpriseName(name: string): string {
  const full = name.replace(/\s+/g, '')
  let s = full.replace(BRACKETS, '')
  s = s.replace(PLACE_PREFIX, '').replace(PROVINCE_PREFIX, '')
  for (let before = ''; before !== s; ) {
    before = s
    s = s.replace(LEGAL_SUFFIX, '')
  }
  if (!s) s = full
  const chars = Array.from(s)
  return chars.length > 4 ? chars.slice(0, 2).join('') + chars.slice(-2).join('') : s
}

/**
 * The short name the enterprise already uses: the most common part before "-" among its post accounts'
 * login names (the seed's 朝阳商场-安全员, 朝阳商场-电工 → 朝阳商场). Empty when there is none.
 */
export function establishedPrefix(loginNames: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const n of loginNames) {
    const i = n.indexOf('-')
    if (i <= 0) continue
    const prefix = n.slice(0, i).trim()
    if (prefix) counts.set(prefix, (counts.get(prefix) ?? 0) + 1)
  }
  let best = ''
  let bestCount = 0
  counts.forEach((c, p) => {
    if (c > bestCount) {
      best = p
      bestCount = c
    }
  })
  return best
}

/** Login names may be 2 to 50 characters (the server's limit). */
export const MAX_LOGIN_NAME = 50

/**
 * The login name suggested for a post account: "<企业简称>-<岗位名>", using the prefix the enterprise's
 * other accounts already share when there is one. Empty without a post.
 */
export function suggestLoginName(enterpriseName: string, postName: string, existingLoginNames: readonly string[] = []): string {
  const post = postName.replace(/\s+/g, '')
  if (!post) return ''
  const short = establishedPrefix(existingLoginNames) || shortEnterpriseName(enterpriseName)
  const name = short ? `${short}-${post}` : post
  return Array.from(name).slice(0, MAX_LOGIN_NAME).join('')
}

/** The server's rule: 2 to 50 characters, no blanks or control characters. */
export function validLoginName(name: string): boolean {
  const s = name.trim()
  const n = Array.from(s).length
  return n >= 2 && n <= MAX_LOGIN_NAME && !/[\s\u0000-\u001f\u007f]/.test(s)
}

/** A mainland mobile number, optionally with +86; spaces and dashes between digits are allowed. */
export function validMobile(phone: string): boolean {
  return /^(\+?86)?1[3-9]\d{9}$/.test(phone.replace(/[\s-]/g, ''))
}
