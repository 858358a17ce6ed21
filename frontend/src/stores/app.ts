// Facts about the running system from GET /api/v1/meta, and the offset between the server's clock and
// this browser's, so pages can show server time (reporting periods follow the server's clock).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, ok } from '@/api/client'
import type { Meta } from '@/api/types'
import { DEFAULT_TIME_ZONE, PRODUCT_NAME } from '@/config'

export const useAppStore = defineStore('app', () => {
  const meta = ref<Meta | null>(null)
  /** serverTime - localTime in milliseconds, measured when /meta answered. */
  const clockOffset = ref(0)
  let loading: Promise<Meta> | null = null

  const productName = computed(() => meta.value?.name || PRODUCT_NAME)
  const timeZone = computed(() => meta.value?.time_zone || DEFAULT_TIME_ZONE)

  async function loadMeta(force = false): Promise<Meta> {
    if (meta.value && !force) return meta.value
    if (!loading) {
      const sent = Date.now()
      loading = ok(api.GET('/api/v1/meta'))
        .then((m) => {
          const received = Date.now()
          const server = m.server_time ? Date.parse(m.server_time) : NaN
          // Assume the server stamped the answer half-way through the round trip.
          if (!Number.isNaN(server)) clockOffset.value = server - (sent + received) / 2
          meta.value = m
          return m
        })
        .finally(() => {
          loading = null
        })
    }
    return loading
  }

  /** The server's current time, estimated from the local clock and the measured offset. */
  function serverNow(): Date {
    return new Date(Date.now() + clockOffset.value)
  }

  return { meta, clockOffset, productName, timeZone, loadMeta, serverNow }
})
