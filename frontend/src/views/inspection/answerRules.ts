// The answer of one inspection item as the form edits it, and what each answer requires before it can be
// saved (the server checks the same): 合格 nothing more; 隐患 a description and a grade of the
// enterprise's scheme, optionally a location and photos — and when fixed on the spot (当场整改) also a note
// of what was done and at least one photo; 不涉及 a reason.
import type { AnswerInput, AnswerResult, InspectionAnswer } from '@/api/types/inspection'

export interface AnswerDraft {
  item_id: number
  result: AnswerResult | null
  description: string
  grade_code: string
  location: string
  fixed_on_spot: boolean
  spot_note: string
  na_reason: string
  photo_ids: number[]
}

/** A missing or invalid part of an answer. */
export type AnswerProblem = 'result' | 'description' | 'grade' | 'spot_note' | 'photos' | 'na_reason' | 'too_long' | 'too_many_photos'

export const LIMITS = { description: 2000, location: 200, spot_note: 1000, na_reason: 500, photos: 9 } as const

/** How the server joins the on-the-spot note to the description it stores. */
export const SPOT_MARK = '\n当场整改：'

const blank = (s: string | null | undefined) => !s || s.trim() === ''

/** The draft of a stored answer; an unanswered hazard starts with the item's default grade. */
export function fromAnswer(a: InspectionAnswer): AnswerDraft {
  let description = a.description ?? ''
  let spotNote = ''
  if (a.fixed_on_spot) {
    const at = description.lastIndexOf(SPOT_MARK)
    if (at >= 0) {
      spotNote = description.slice(at + SPOT_MARK.length)
      description = description.slice(0, at)
    }
  }
  return {
    item_id: a.item_id,
    result: a.result ?? null,
    description,
    grade_code: a.grade_code || a.default_grade || '',
    location: a.location ?? '',
    fixed_on_spot: !!a.fixed_on_spot,
    spot_note: spotNote,
    na_reason: a.na_reason ?? '',
    photo_ids: (a.photo_ids ?? []).slice(),
  }
}

/**
 * What keeps an answer from being saved. An unanswered item has no problem unless `requireResult`
 * (submitting needs every item answered).
 */
export function answerProblems(a: AnswerDraft, requireResult = false): AnswerProblem[] {
  const out: AnswerProblem[] = []
  if (!a.result) return requireResult ? ['result'] : []
  if (a.result === 'hazard') {
    if (blank(a.description)) out.push('description')
    if (blank(a.grade_code)) out.push('grade')
    if (a.fixed_on_spot) {
      if (blank(a.spot_note)) out.push('spot_note')
      if (a.photo_ids.length === 0) out.push('photos')
    }
    if (a.description.length > LIMITS.description || a.location.length > LIMITS.location || a.spot_note.length > LIMITS.spot_note) {
      out.push('too_long')
    }
    if (a.photo_ids.length > LIMITS.photos) out.push('too_many_photos')
  } else if (a.result === 'na') {
    if (blank(a.na_reason)) out.push('na_reason')
    if (a.na_reason.length > LIMITS.na_reason) out.push('too_long')
  }
  return out
}

/** The API body of an answer: only the fields its result uses. */
export function toAnswerInput(a: AnswerDraft): AnswerInput {
  const result = a.result ?? 'ok'
  if (result === 'hazard') {
    const out: AnswerInput = {
      item_id: a.item_id,
      result,
      description: a.description.trim(),
      grade_code: a.grade_code,
      location: a.location.trim() || undefined,
      photo_ids: a.photo_ids.length ? a.photo_ids.slice() : undefined,
    }
    if (a.fixed_on_spot) {
      out.fixed_on_spot = true
      out.spot_note = a.spot_note.trim()
    }
    return out
  }
  if (result === 'na') return { item_id: a.item_id, result, na_reason: a.na_reason.trim() }
  return { item_id: a.item_id, result }
}

/** Item ids without an answer, in form order. */
export function unanswered(drafts: ReadonlyArray<AnswerDraft>): number[] {
  return drafts.filter((d) => !d.result).map((d) => d.item_id)
}

/** Item ids whose answer cannot be saved as it stands, in form order. */
export function invalidAnswers(drafts: ReadonlyArray<AnswerDraft>, requireResult = false): number[] {
  return drafts.filter((d) => answerProblems(d, requireResult).length > 0).map((d) => d.item_id)
}

/** True when two drafts would send the same answer. */
export function sameAnswer(a: AnswerDraft, b: AnswerDraft): boolean {
  return JSON.stringify(a.result ? toAnswerInput(a) : null) === JSON.stringify(b.result ? toAnswerInput(b) : null)
}
