import { describe, expect, it } from 'vitest'
import { splitVersion } from '@/utils/version'

describe('splitVersion', () => {
  it.each([
    ['v1.2.0', { release: 'v1.2.0', build: '' }],
    ['v1.2.0-3-g5bc9da7', { release: 'v1.2.0', build: '5bc9da7' }],
    ['v1.2.0-3-g5bc9da7-dirty', { release: 'v1.2.0', build: '5bc9da7-dirty' }],
    ['v1.2.0-dirty', { release: 'v1.2.0', build: 'dirty' }],
    ['5bc9da7', { release: '', build: '5bc9da7' }],
    ['5bc9da7-dirty', { release: '', build: '5bc9da7-dirty' }],
    ['dev', { release: 'dev', build: '' }],
  ])('%s', (v, want) => {
    expect(splitVersion(v)).toEqual(want)
  })
})
