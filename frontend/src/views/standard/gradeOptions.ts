// The enterprise's grade scheme (GET /api/v1/hazard-grades) as select options and labels. Every account
// may read it: the inspection form and the hazard pages grade with it.
import { computed, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import type { HazardGrade } from '@/api/types/standard'
import { showError } from '@/utils/notify'

export function useGrades() {
  const grades = shallowRef<HazardGrade[]>([])
  const loaded = shallowRef(false)
  const byCode = computed(() => new Map(grades.value.map((g) => [g.code, g])))

  async function load() {
    try {
      const got = (await ok(api.GET('/api/v1/hazard-grades'))) ?? []
      grades.value = got.slice().sort((a, b) => a.sort_order - b.sort_order || a.id - b.id)
      loaded.value = true
    } catch (e) {
      showError(e)
    }
  }

  /** "B级", or the code itself when the scheme no longer has it. */
  const label = (code: string | null | undefined) => (code ? (byCode.value.get(code)?.name ?? code) : '')
  const isMajor = (code: string | null | undefined) => !!code && byCode.value.get(code)?.legal_level === 'major'

  return { grades, loaded, byCode, load, label, isMajor }
}

/** The fixed A–D grades of industry templates (the server's rule: a major-hazard item is graded A). */
export const TEMPLATE_GRADES = [
  { code: 'A', name: 'A级', legal_level: 'major' as const },
  { code: 'B', name: 'B级', legal_level: 'general' as const },
  { code: 'C', name: 'C级', legal_level: 'general' as const },
  { code: 'D', name: 'D级', legal_level: 'general' as const },
]
