// The code catalogues of GET /api/v1/catalogs (main businesses, industries, scales, responsibility levels,
// frequencies), loaded once per session and shared by every form that needs them.
import { computed, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import type { Catalogs } from '@/api/types/enterprise'
import { showError } from '@/utils/notify'

const cached = shallowRef<Catalogs | null>(null)
let loading: Promise<Catalogs | null> | null = null

/** Drops the cache (tests; a new login does not need it: the catalogues are the same for everyone). */
export function resetCatalogs() {
  cached.value = null
  loading = null
}

export function useCatalogs() {
  async function load(): Promise<Catalogs | null> {
    if (cached.value) return cached.value
    if (!loading) {
      loading = ok(api.GET('/api/v1/catalogs'))
        .then((c) => {
          cached.value = c
          return c
        })
        .catch((e) => {
          showError(e)
          return null
        })
        .finally(() => {
          loading = null
        })
    }
    return loading
  }

  const name = (list: readonly { code: string; name: string }[] | undefined, code: string | null | undefined) =>
    (code && list?.find((o) => o.code === code)?.name) || code || ''

  return {
    catalogs: cached,
    load,
    industries: computed(() => cached.value?.industries ?? []),
    mainBusinesses: computed(() => cached.value?.main_businesses ?? []),
    scales: computed(() => cached.value?.scales ?? []),
    levels: computed(() => cached.value?.responsibility_levels ?? []),
    frequencies: computed(() => cached.value?.frequencies ?? []),
    levelName: (code: string | null | undefined) => name(cached.value?.responsibility_levels, code),
    frequencyName: (code: string | null | undefined) => name(cached.value?.frequencies, code),
    industryName: (code: string | null | undefined) => name(cached.value?.industries, code),
    scaleName: (code: string | null | undefined) => name(cached.value?.scales, code),
  }
}
