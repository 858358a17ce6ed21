// The signed-in session: tokens (kept by the token store in localStorage), the /me profile with its
// permission codes and menus, and the actions that change them.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import { tokenStore, toTokenAnswer, type TokenAnswer, type Tokens } from '@/api/tokens'
import type { LoginMode, Me } from '@/api/types'

export const useAuthStore = defineStore('auth', () => {
  const tokens = shallowRef<Tokens | null>(tokenStore.get())
  const profile = ref<Me | null>(null)
  let loading: Promise<Me> | null = null
  tokenStore.subscribe((v) => {
    tokens.value = v
    // A different session (logout here or in another tab, login as someone else) invalidates the profile.
    if (!v) profile.value = null
  })

  const isLoggedIn = computed(() => !!tokens.value)
  const mustChangePassword = computed(() =>
    profile.value ? !!profile.value.must_change_password : !!tokens.value?.must_change_password,
  )
  const permissionSet = computed(() => new Set(profile.value?.permissions ?? []))
  const menus = computed(() => profile.value?.menus ?? [])
  const user = computed(() => profile.value?.user ?? null)

  /** True when the user holds the code, or any of the codes when given a list. */
  function hasPermission(code: string | readonly string[]): boolean {
    const codes = typeof code === 'string' ? [code] : code
    return codes.some((c) => permissionSet.value.has(c))
  }

  async function login(mode: LoginMode, username: string, password: string): Promise<TokenAnswer> {
    const answer = toTokenAnswer(await ok(api.POST('/api/v1/auth/login', { body: { mode, username, password } })))
    profile.value = null
    tokenStore.set(answer)
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
    const cur = tokenStore.get()
    const b = (body ?? {}) as { refresh_token?: string }
    tokenStore.set(toTokenAnswer({ ...b, refresh_token: b.refresh_token || cur?.refresh_token }))
    await loadProfile(true)
  }

  /** Revokes the refresh token on the server (best effort) and forgets the session here. */
  async function logout() {
    const cur = tokenStore.get()
    tokenStore.clear()
    profile.value = null
    if (cur) {
      try {
        await api.POST('/api/v1/auth/logout', { body: { refresh_token: cur.refresh_token } })
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
