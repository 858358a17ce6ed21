package sheet

import (
	"context"
	"sync"
	"time"

	"yqyb/internal/platform/apperr"
)

// ErrBusy answers an import that found every slot taken for the whole wait.
var ErrBusy = apperr.New(apperr.TooMany, "import_busy", "当前正在进行的导入较多，请稍后再试")

// Gate bounds how many imports run at once in this process. An import holds its parsed rows and its plan in
// memory (tens of MiB at most, see Limits) until it has written them, so the bound keeps a burst of uploads
// within the instance's memory limit however many users press 导入 together.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate lets slots imports run at once; another waits up to wait for one to finish.
func NewGate(slots int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, slots), wait: wait}
}

// Imports is the gate every import of this process passes: two at once, a third waits up to 10 s (an import
// of 10,000 rows takes a few seconds) and is then answered 429 import_busy with Retry-After.
var Imports = NewGate(2, 10*time.Second)

// retryAfter is what a refused import is told to wait (seconds).
const retryAfter = 10

// Enter takes a slot, waiting up to the gate's wait (or until ctx ends). release gives the slot back; calling
// it more than once is harmless.
func (g *Gate) Enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return g.releaser(), nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.releaser(), nil
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, ErrBusy.WithDetails(map[string]any{"retry_after_seconds": retryAfter})
}

// InUse is the number of slots taken.
func (g *Gate) InUse() int { return len(g.slots) }

func (g *Gate) releaser() func() {
	var once sync.Once
	return func() { once.Do(func() { <-g.slots }) }
}
