// Screen-width queries that follow resizes. useNarrow: phone-width screens (below 768 px), where tables drop
// their fixed columns (their rows become cards, see directives/phoneCards.ts). useRoomy: desks wider than a
// 1366 px laptop, where lists afford their less important columns; at 1366 they leave them out so that the
// key columns stay beside the pinned 操作 column without scrolling sideways.
import { onBeforeUnmount, ref, type Ref } from 'vue'

export const NARROW_QUERY = '(max-width: 767px)'
export const ROOMY_QUERY = '(min-width: 1600px)'

export function useMediaQuery(query: string): Ref<boolean> {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null
  const matches = ref(!!mq?.matches)
  const update = (e: { matches: boolean }) => {
    matches.value = e.matches
  }
  // addListener: Chrome 86 era engines lack addEventListener on MediaQueryList in some builds.
  if (mq) {
    if (mq.addEventListener) mq.addEventListener('change', update)
    else mq.addListener(update)
  }
  onBeforeUnmount(() => {
    if (!mq) return
    if (mq.removeEventListener) mq.removeEventListener('change', update)
    else mq.removeListener(update)
  })
  return matches
}

export function useNarrow() {
  return useMediaQuery(NARROW_QUERY)
}

/** True on screens at least 1600 px wide: room for a list's secondary columns. */
export function useRoomy() {
  return useMediaQuery(ROOMY_QUERY)
}
