// The calls the post user's app makes for an inspection, one function each, so that a wrapper (an offline
// queue with idempotency keys) can take their place without touching the views.
import { api, ok } from '@/api/client'
import type { AnswerInput, Inspection } from '@/api/types/inspection'

/** Opens (or continues) the current period's inspection of a checklist of the user's post. */
export function startInspection(checklistId: number): Promise<Inspection> {
  return ok(api.POST('/api/v1/my/checklists/{id}/inspection', { params: { path: { id: checklistId } } }))
}

export function loadInspection(id: number): Promise<Inspection> {
  return ok(api.GET('/api/v1/inspections/{id}', { params: { path: { id } } }))
}

/** 保存草稿: stores the answers as they are, incomplete ones included. */
export function saveDraft(id: number, answers: AnswerInput[]): Promise<Inspection> {
  return ok(api.PUT('/api/v1/inspections/{id}/answers', { params: { path: { id } }, body: { answers } }))
}

/** 提交: stores the answers and submits; the server refuses an incomplete inspection (inspection_incomplete). */
export function submitInspection(id: number, answers: AnswerInput[]): Promise<Inspection> {
  return ok(api.POST('/api/v1/inspections/{id}/submit', { params: { path: { id } }, body: { answers } }))
}
