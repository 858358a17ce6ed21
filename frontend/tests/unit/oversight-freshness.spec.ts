// What a regulator's page says of its data's age: the time in Beijing, and how far a replica's data trails.
import { describe, expect, it } from 'vitest'
import { freshness } from '@/views/oversight/freshness'

const TZ = 'Asia/Shanghai'
// 2026-12-07 21:00:30 UTC is 05:00:30 on 8 December in Beijing.
const NOW = new Date('2026-12-07T21:00:30Z')

describe('freshness', () => {
  it('shows the time of today in Beijing, and no lag when read from the primary', () => {
    expect(freshness({ data_as_of: '2026-12-07T21:00:30Z', from_replica: false }, NOW, TZ)).toEqual({ asOf: '05:00:30', behind: null })
    // The primary's answer is as of its reading, whatever the clocks say.
    expect(freshness({ data_as_of: '2026-12-07T20:59:00Z', from_replica: false }, NOW, TZ)).toEqual({ asOf: '04:59:00', behind: null })
  })

  it('says how many seconds a replica trails, from a few seconds on', () => {
    expect(freshness({ data_as_of: '2026-12-07T21:00:28Z', from_replica: true }, NOW, TZ)).toEqual({ asOf: '05:00:28', behind: null })
    expect(freshness({ data_as_of: '2026-12-07T21:00:05Z', from_replica: true }, NOW, TZ)).toEqual({ asOf: '05:00:05', behind: 25 })
  })

  it('adds the date when the data is of another day in Beijing', () => {
    // 15:59:59 UTC on 7 December is 23:59:59 on the 7th in Beijing: yesterday there.
    expect(freshness({ data_as_of: '2026-12-07T15:59:59Z', from_replica: true }, NOW, TZ)).toEqual({ asOf: '2026-12-07 23:59:59', behind: 18031 })
  })

  it('says nothing when the answer has no time', () => {
    expect(freshness(null, NOW, TZ)).toBeNull()
    expect(freshness({ data_as_of: '', from_replica: true }, NOW, TZ)).toBeNull()
    expect(freshness({ data_as_of: 'not a time', from_replica: false }, NOW, TZ)).toBeNull()
  })
})
