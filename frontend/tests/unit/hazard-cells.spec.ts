// The cells every hazard list shares: grade with legal level, status tag, deadline with the overdue mark.
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { i18n } from '@/locales'
import HazardDeadlineCell from '@/views/hazard/HazardDeadlineCell.vue'
import HazardGradeCell from '@/views/hazard/HazardGradeCell.vue'
import HazardStatusTag from '@/views/hazard/HazardStatusTag.vue'

const opts = { global: { plugins: [i18n] } }

describe('hazard grade cell', () => {
  const cases = [
    { level: 'major', name: '重大', tag: 'el-tag--danger', dark: true },
    { level: 'general', name: '一般', tag: 'el-tag--primary', dark: false },
  ]
  for (const c of cases) {
    it(`${c.level}: grade name, then the level tag`, () => {
      const w = mount(HazardGradeCell, { ...opts, props: { gradeName: 'A级', legalLevel: c.level, legalLevelName: c.name } })
      expect(w.text()).toBe(`A级${c.name}`)
      const tag = w.find('.el-tag')
      expect(tag.classes()).toContain(c.tag)
      expect(tag.classes().includes('el-tag--dark')).toBe(c.dark)
    })
  }
})

describe('hazard status tag', () => {
  const cases: Array<{ status: string; name?: string; text: string; tag: string }> = [
    { status: 'registered', name: '已登记', text: '已登记', tag: 'el-tag--danger' },
    { status: 'rectifying', name: '整改中', text: '整改中', tag: 'el-tag--warning' },
    { status: 'pending_acceptance', name: '待验收', text: '待验收', tag: 'el-tag--primary' },
    { status: 'closed', name: '已销号', text: '已销号', tag: 'el-tag--success' },
    // A row without the server's name falls back to the catalogue's, never to the raw code.
    { status: 'closed', text: i18n.global.t('hazards.status.closed'), tag: 'el-tag--success' },
  ]
  for (const c of cases) {
    it(`${c.status} ${c.name ?? '(no name)'}`, () => {
      const w = mount(HazardStatusTag, { ...opts, props: { status: c.status, name: c.name } })
      expect(w.text()).toBe(c.text)
      expect(w.text()).not.toBe(c.status)
      expect(w.find('.el-tag').classes()).toContain(c.tag)
    })
  }
})

describe('hazard deadline cell', () => {
  it('an overdue deadline is red and tagged', () => {
    const w = mount(HazardDeadlineCell, { ...opts, props: { deadline: '2026-11-01', overdue: true } })
    expect(w.find('span.overdue').text()).toBe('2026-11-01')
    expect(w.find('.el-tag').text()).toBe(i18n.global.t('hazards.overdue'))
  })
  it('a deadline not yet passed is plain', () => {
    const w = mount(HazardDeadlineCell, { ...opts, props: { deadline: '2026-12-31', overdue: false } })
    expect(w.find('span.overdue').exists()).toBe(false)
    expect(w.find('.el-tag').exists()).toBe(false)
    expect(w.text()).toBe('2026-12-31')
  })
  it('no deadline shows a dash', () => {
    const w = mount(HazardDeadlineCell, { ...opts, props: { deadline: null } })
    expect(w.text()).toBe(i18n.global.t('common.dash'))
    expect(w.find('.el-tag').exists()).toBe(false)
  })
})
