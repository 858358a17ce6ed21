import { describe, expect, it } from 'vitest'
import { establishedPrefix, shortEnterpriseName, suggestLoginName, validLoginName, validMobile } from '@/utils/accounts'

describe('shortEnterpriseName (企业简称)', () => {
  const cases: Array<[string, string]> = [
    ['北京朝阳示范商场有限公司', '朝阳商场'],
    ['北京市朝阳区华联商厦有限责任公司', '朝阳商厦'],
    ['北京海淀精工机械有限公司', '海淀机械'],
    ['华联商厦有限公司', '华联商厦'],
    ['北京第一机床厂', '第一机床'],
    ['中国石油天然气股份有限公司北京销售分公司', '石油销售'],
    ['北京京东世纪贸易有限公司', '京东贸易'],
    ['河北省石家庄市某某化工集团有限公司', '某某化工'],
    ['顺丰（北京）速运有限公司', '顺丰速运'],
    ['广西壮族自治区南宁市邕江物流有限公司', '邕江物流'],
    ['有限公司', '有限公司'],
  ]
  for (const [name, short] of cases) {
    it(`${name} → ${short}`, () => {
      expect(shortEnterpriseName(name)).toBe(short)
    })
  }
})

describe('establishedPrefix', () => {
  const cases: Array<{ names: string[]; want: string }> = [
    { names: ['朝阳商场-安全员', '朝阳商场-电工', '朝阳商场-叉车司机'], want: '朝阳商场' },
    { names: ['朝阳商场-安全员', '商场-电工', '朝阳商场-叉车司机'], want: '朝阳商场' },
    { names: ['张三', '李四'], want: '' },
    { names: ['-电工', '朝阳商场-'], want: '朝阳商场' },
    { names: [], want: '' },
  ]
  for (const c of cases) {
    it(`[${c.names.join(', ')}] → "${c.want}"`, () => {
      expect(establishedPrefix(c.names)).toBe(c.want)
    })
  }
})

describe('suggestLoginName', () => {
  const cases: Array<{ name: string; enterprise: string; post: string; existing?: string[]; want: string }> = [
    { name: 'no other accounts: the short enterprise name', enterprise: '北京朝阳示范商场有限公司', post: '库管员', want: '朝阳商场-库管员' },
    {
      name: 'reuses the prefix the enterprise already uses',
      enterprise: '北京海淀精工机械有限公司',
      post: '车工',
      existing: ['海淀精工-焊工'],
      want: '海淀精工-车工',
    },
    { name: 'blanks in the post name are dropped', enterprise: '华联商厦有限公司', post: ' 收 银员 ', want: '华联商厦-收银员' },
    { name: 'no post, no suggestion', enterprise: '华联商厦有限公司', post: '', want: '' },
    {
      name: 'cut to the 50-character limit',
      enterprise: '华联商厦有限公司',
      post: '岗'.repeat(60),
      want: ('华联商厦-' + '岗'.repeat(60)).slice(0, 50),
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = suggestLoginName(c.enterprise, c.post, c.existing)
      expect(got).toBe(c.want)
      if (got) {
        // Never the enterprise name itself: the personal login would take it for the enterprise admin.
        expect(got).not.toBe(c.enterprise)
        expect(validLoginName(got)).toBe(true)
      }
    })
  }
})

describe('login name and phone checks', () => {
  const names: Array<[string, boolean]> = [
    ['朝阳商场-库管员', true],
    ['ab', true],
    ['a', false],
    ['朝阳 商场', false],
    ['x'.repeat(50), true],
    ['x'.repeat(51), false],
  ]
  for (const [n, ok] of names) it(`login name ${JSON.stringify(n.length > 12 ? n.slice(0, 12) + '…' : n)} → ${ok}`, () => expect(validLoginName(n)).toBe(ok))

  const phones: Array<[string, boolean]> = [
    ['13700000004', true],
    ['+8613700000004', true],
    ['137 0000 0004', true],
    ['12700000004', false],
    ['1370000000', false],
    ['010-12345678', false],
  ]
  for (const [p, ok] of phones) it(`phone ${p} → ${ok}`, () => expect(validMobile(p)).toBe(ok))
})
