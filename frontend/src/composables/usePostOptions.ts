// The enterprise's posts with their departments (GET /api/v1/post-options), for the user filters and the
// user form: grouped by department, in the server's order.
import { computed, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import type { PostChoice } from '@/api/types/enterprise'
import { showError } from '@/utils/notify'

export interface DepartmentGroup {
  id: number
  name: string
  posts: PostChoice[]
}

export function groupByDepartment(posts: readonly PostChoice[]): DepartmentGroup[] {
  const groups: DepartmentGroup[] = []
  const byId = new Map<number, DepartmentGroup>()
  for (const p of posts) {
    let g = byId.get(p.department_id)
    if (!g) {
      g = { id: p.department_id, name: p.department_name, posts: [] }
      byId.set(p.department_id, g)
      groups.push(g)
    }
    g.posts.push(p)
  }
  return groups
}

export function usePostOptions() {
  const posts = shallowRef<PostChoice[]>([])
  const groups = computed(() => groupByDepartment(posts.value))

  async function load() {
    try {
      posts.value = (await ok(api.GET('/api/v1/post-options'))) ?? []
    } catch (e) {
      showError(e)
    }
  }

  return { posts, groups, load }
}
