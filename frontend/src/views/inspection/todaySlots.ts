// 今日排查 sorts the post's checklists (GET /api/v1/my/inspections, the server's periods and clock) into
// what is due now (not started), what is in progress (drafts), what is done this period, and the periods
// missed just before (which cannot be filled in afterwards).
import type { InspectionSlot } from '@/api/types/inspection'

export interface TodayGroups {
  due: InspectionSlot[]
  inProgress: InspectionSlot[]
  done: InspectionSlot[]
  missed: InspectionSlot[]
}

const byDeadline = (a: InspectionSlot, b: InspectionSlot) =>
  a.period.seconds_left - b.period.seconds_left || a.checklist_name.localeCompare(b.checklist_name, 'zh-CN')

export function groupSlots(slots: ReadonlyArray<InspectionSlot>): TodayGroups {
  const sorted = [...slots].sort(byDeadline)
  return {
    due: sorted.filter((s) => s.state === 'not_started'),
    inProgress: sorted.filter((s) => s.state === 'draft'),
    done: sorted.filter((s) => s.state === 'submitted'),
    missed: sorted.filter((s) => s.previous_state === 'missed'),
  }
}
