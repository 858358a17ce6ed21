// True on phone-width screens (below 768 px), following resizes: tables then drop their fixed columns,
// which would otherwise cover the whole table.
import { onBeforeUnmount, ref } from 'vue'

export const NARROW_QUERY = '(max-width: 767px)'

export function useNarrow() {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(NARROW_QUERY) : null
  const narrow = ref(!!mq?.matches)
  const update = (e: { matches: boolean }) => {
    narrow.value = e.matches
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
  return narrow
}
