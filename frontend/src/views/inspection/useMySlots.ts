// The post user's inspection slots (GET /my/inspections), shared by 今日排查 and 隐患排查: loading them, the
// server's clock advanced by the time elapsed here, and opening a slot (continue its inspection, or start one).
import { computed, onMounted, ref } from 'vue'
import { useRouter } from 'vue-router'
import { api, ok } from '@/api/client'
import type { InspectionSlot, MyInspections } from '@/api/types/inspection'
import { useAppStore } from '@/stores/app'
import { showError } from '@/utils/notify'
import { formatApiTime, formatDateTime } from '@/utils/time'
import { useNow } from '@/utils/countdown'
import { startInspection } from './inspectionActions'

export function useMySlots() {
  const router = useRouter()
  const app = useAppStore()
  const now = useNow()
  const data = ref<MyInspections | null>(null)
  const loadedAt = ref(Date.now())
  const loading = ref(true)
  const starting = ref<number | null>(null)

  async function load() {
    loading.value = true
    try {
      data.value = await ok(api.GET('/api/v1/my/inspections'))
      loadedAt.value = Date.now()
    } catch (e) {
      showError(e)
    } finally {
      loading.value = false
    }
  }

  onMounted(() => {
    void load()
    void app.loadMeta().catch(() => undefined)
  })

  const time = (iso: string | null | undefined) => formatApiTime(iso, app.timeZone)
  /** The server's clock, advanced by the time elapsed here since it answered. */
  const serverNow = computed(() => {
    if (!data.value?.server_time) return ''
    const base = Date.parse(data.value.server_time)
    return Number.isNaN(base) ? '' : formatDateTime(new Date(base + (now.value - loadedAt.value)), app.timeZone)
  })

  /** Continues the slot's inspection, or starts one. */
  async function open(slot: InspectionSlot) {
    if (slot.state !== 'not_started' && slot.inspection_id) {
      await router.push(`/inspections/${slot.inspection_id}`)
      return
    }
    starting.value = slot.checklist_id
    try {
      const insp = await startInspection(slot.checklist_id)
      await router.push(`/inspections/${insp.id}`)
    } catch (e) {
      showError(e)
      await load()
    } finally {
      starting.value = null
    }
  }

  return { data, loadedAt, loading, starting, load, open, time, serverNow }
}
