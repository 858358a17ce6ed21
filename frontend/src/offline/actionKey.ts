// One Idempotency-Key per user action on a screen that is not queued (the hazard steps: 登记, 交办, 提交整改,
// 验收, 退回). The key is made when the user first sends the action and reused when the same action (same
// route, same body) is sent again after it did not complete — a lost answer, a timeout, a 5xx — so the server
// replays the first result instead of carrying it out twice. A changed body is another action and gets a new
// key; so does the next action after a success (reset). Closing and reopening the dialog keeps the key: the
// same content sent again is still the retry of an action whose answer may have been lost.
import { newKey } from './queue'

export class ActionKey {
  private key: string | null = null
  private signature = ''

  constructor(private readonly make: () => string = newKey) {}

  /** The key to send `body` to `route` with. */
  for(route: string, body: unknown): string {
    const signature = `${route}\n${JSON.stringify(body ?? null)}`
    if (this.key === null || signature !== this.signature) {
      this.key = this.make()
      this.signature = signature
    }
    return this.key
  }

  /** The action completed: the next send is a new action with a new key. */
  reset(): void {
    this.key = null
    this.signature = ''
  }
}
