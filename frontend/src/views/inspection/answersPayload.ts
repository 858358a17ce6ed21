// What the form sends: the answers changed since the server last answered, as the API's AnswerInput.
// Kept apart from the view so that other callers (an offline queue, a retry) build the same payload.
import type { AnswerInput, InspectionAnswer } from '@/api/types/inspection'
import { fromAnswer, sameAnswer, toAnswerInput, type AnswerDraft } from './answerRules'

/** The drafts as the server holds them, by item id. */
export function savedDrafts(answers: ReadonlyArray<InspectionAnswer>): Record<number, AnswerDraft> {
  return Object.fromEntries(answers.map((a) => [a.item_id, fromAnswer(a)]))
}

/** Item ids whose draft differs from what the server holds. */
export function changedItemIds(drafts: ReadonlyArray<AnswerDraft>, saved: Readonly<Record<number, AnswerDraft>>): number[] {
  return drafts.filter((d) => !sameAnswer(d, saved[d.item_id] ?? d) || (!!d.result && !saved[d.item_id]?.result)).map((d) => d.item_id)
}

/**
 * The answers to send: every changed draft that has a result, incomplete ones included (a draft keeps
 * whatever was entered; the server checks completeness at submit).
 */
export function answersPayload(drafts: ReadonlyArray<AnswerDraft>, saved: Readonly<Record<number, AnswerDraft>>): AnswerInput[] {
  const changed = new Set(changedItemIds(drafts, saved))
  return drafts.filter((d) => changed.has(d.item_id) && d.result).map(toAnswerInput)
}
