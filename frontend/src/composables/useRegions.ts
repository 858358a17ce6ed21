// The region list (GET /api/v1/regions), loaded once per page, as options for tree selects.
import { computed, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import type { Region } from '@/api/types/platform'
import { regionSubtree, regionTree } from '@/utils/regions'
import { showError } from '@/utils/notify'

export function useRegions() {
  const regions = shallowRef<Region[]>([])
  const loaded = shallowRef(false)

  async function load() {
    try {
      regions.value = (await ok(api.GET('/api/v1/regions'))) ?? []
      loaded.value = true
    } catch (e) {
      showError(e)
    }
  }

  /** All regions as a tree. */
  const tree = computed(() => regionTree(regions.value))
  /** The tree under one region (a regulator's jurisdiction), that region included. */
  const subtree = (rootId: number | undefined | null) =>
    rootId ? regionTree(regionSubtree(regions.value, rootId)) : []
  const nameOf = (id: number | null | undefined) => regions.value.find((r) => r.id === id)?.name ?? ''

  return { regions, loaded, tree, subtree, nameOf, load }
}
