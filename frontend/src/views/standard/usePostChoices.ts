// The enterprise's posts for the checklist and hazard pages (filters, the checklist's post, the post of a
// reported hazard). GET /api/v1/post-options needs 用户管理 (sys:user) and GET /api/v1/posts needs 岗位管理
// (org:post); a user granted only the checklist pages has neither, so the posts are then gathered from
// what 岗位清单 itself shows: the posts of the checklists plus the posts without one (coverage). That last
// source has no department ids, so department filters are hidden then.
import { computed, shallowRef } from 'vue'
import { api, ok } from '@/api/client'
import { allPages, page as readPage } from '@/api/lists'
import type { OrgPost, PostChoice } from '@/api/types/enterprise'
import type { ChecklistSummary } from '@/api/types/standard'
import { groupByDepartment } from '@/composables/usePostOptions'
import { useAuthStore } from '@/stores/auth'
import { showError } from '@/utils/notify'

export type PostSource = 'post-options' | 'posts' | 'checklists' | 'none'

export function usePostChoices() {
  const auth = useAuthStore()
  const posts = shallowRef<PostChoice[]>([])
  const source = shallowRef<PostSource>('none')
  const groups = computed(() => groupByDepartment(posts.value))
  /** Whether department ids are known (department filters make sense). */
  const hasDepartments = computed(() => source.value === 'post-options' || source.value === 'posts')
  let loading: Promise<void> | null = null

  async function fromChecklists(): Promise<PostChoice[]> {
    const [lists, coverage] = await Promise.all([
      allPages<ChecklistSummary>((p, size) => readPage<ChecklistSummary>(api.GET('/api/v1/checklists', { params: { query: { page: p, page_size: size } } }))),
      ok(api.GET('/api/v1/checklist-coverage')),
    ])
    const byId = new Map<number, PostChoice>()
    for (const c of lists) {
      if (!byId.has(c.post_id)) byId.set(c.post_id, { id: c.post_id, name: c.post_name, department_id: 0, department_name: c.department_name, status: 'active' })
    }
    for (const p of coverage.posts_without_checklist ?? []) {
      if (!byId.has(p.id)) byId.set(p.id, { id: p.id, name: p.name, department_id: 0, department_name: p.department_name, status: 'active' })
    }
    return Array.from(byId.values()).sort((a, b) => a.department_name.localeCompare(b.department_name, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'))
  }

  async function fetchPosts() {
    try {
      if (auth.hasPermission('sys:user')) {
        posts.value = (await ok(api.GET('/api/v1/post-options'))) ?? []
        source.value = 'post-options'
      } else if (auth.hasPermission('org:post')) {
        const all = await allPages<OrgPost>((p, size) => readPage<OrgPost>(api.GET('/api/v1/posts', { params: { query: { page: p, page_size: size, sort: 'sort_order' } } })))
        posts.value = all.map((p) => ({ id: p.id, name: p.name, department_id: p.department_id, department_name: p.department_name, status: p.status }))
        source.value = 'posts'
      } else if (auth.hasPermission('std:checklist')) {
        posts.value = await fromChecklists()
        source.value = 'checklists'
      } else {
        posts.value = []
        source.value = 'none'
      }
    } catch (e) {
      showError(e)
    }
  }

  /** Loads once; `force` loads again (after a checklist was created for a new post). */
  function load(force = false): Promise<void> {
    if (force || !loading) loading = fetchPosts()
    return loading
  }

  return { posts, groups, source, hasDepartments, load }
}
