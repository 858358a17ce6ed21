// The signed-in session: tokens (the access token in memory, the refresh token in the server's HttpOnly
// cookie, see api/tokens.ts), the /me profile with its permission codes and menus, and the actions that
// change them.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import { tokenStore, toTokenAnswer, type TokenAnswer, type Tokens } from '@/api/tokens'
import type { LoginMode, Me, PermissionCode } from '@/api/types'

export const useAuthStore = defineStore('auth', () => {
  const tokens = shallowRef<Tokens | null>(tokenStore.get())
  const session = ref(tokenStore.hasSession())
  const markedMustChange = ref(tokenStore.mustChangePassword())
  const profile = ref<Me | null>(null)
  let loading: Promise<Me> | null = null
  tokenStore.subscribe((v) => {
    tokens.value = v
    session.value = tokenStore.hasSession()
    markedMustChange.value = tokenStore.mustChangePassword()
    // A different session (logout here or in another tab, login as someone else) invalidates the profile.
    if (!v) profile.value = null
  })

  /** A session is open in this browser (after a reload this tab gets its access token on the first call). */
  const isLoggedIn = computed(() => session.value)
  const mustChangePassword = computed(() =>
    profile.value ? !!profile.value.must_change_password : markedMustChange.value,
  )
  const permissionSet = computed(() => new Set(profile.value?.permissions ?? []))
  const menus = computed(() => profile.value?.menus ?? [])
  const user = computed(() => profile.value?.user ?? null)

  /** True when the user holds the code, or any of the codes when given a list. */
  function hasPermission(code: PermissionCode | readonly PermissionCode[]): boolean {
    const codes = typeof code === 'string' ? [code] : code
    return codes.some((c) => permissionSet.value.has(c))
  }

  async function login(mode: LoginMode, username: string, password: string): Promise<TokenAnswer> {
    const answer = toTokenAnswer(await ok(api.POST('/api/v1/auth/login', { body: { mode, username, password } })))
    profile.value = null
    tokenStore.start(answer)
    return answer
  }

  /** Loads /me once per session; concurrent callers share the request. */
  async function loadProfile(force = false): Promise<Me> {
    if (profile.value && !force) return profile.value
    if (!loading) {
      loading = ok(api.GET('/api/v1/me'))
        .then((me) => {
          profile.value = me
          if (tokens.value && tokens.value.must_change_password !== !!me.must_change_password) {
            tokenStore.update({ must_change_password: !!me.must_change_password })
          }
          return me
        })
        .finally(() => {
          loading = null
        })
    }
    return loading
  }

  /**
   * Changes the password. The server ends every other session and answers with a new access token
   * for this one (the refresh token stays), so the user carries on without signing in again.
   */
  async function changePassword(oldPassword: string, newPassword: string) {
    const body = await ok(api.POST('/api/v1/me/password', { body: { old_password: oldPassword, new_password: newPassword } }))
    tokenStore.set(toTokenAnswer(body))
    await loadProfile(true)
  }

  /** Revokes the session on the server (best effort; the cookie names it) and forgets it in every tab. */
  async function logout() {
    const had = tokenStore.hasSession()
    const legacy = tokenStore.takeLegacyRefreshToken()
    tokenStore.clear()
    profile.value = null
    if (had) {
      try {
        await api.POST('/api/v1/auth/logout', { body: legacy ? { refresh_token: legacy } : {} })
      } catch {
        // The local session is gone either way; an unreachable server must not keep the user signed in.
      }
    }
  }

  return {
    tokens,
    profile,
    isLoggedIn,
    mustChangePassword,
    menus,
    user,
    hasPermission,
    login,
    loadProfile,
    changePassword,
    logout,
  }
})
