package sheet

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	ctx := context.Background()
	g := NewGate(2, 50*time.Millisecond)
	r1, err1 := g.Enter(ctx)
	r2, err2 := g.Enter(ctx)
	if err1 != nil || err2 != nil || g.InUse() != 2 {
		t.Fatalf("two imports: %v %v, in use %d", err1, err2, g.InUse())
	}
	// A third finds no slot for the whole wait.
	if _, err := g.Enter(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("third = %v, want import_busy", err)
	}
	// Releasing twice frees one slot, not two.
	r1()
	r1()
	if g.InUse() != 1 {
		t.Fatalf("in use %d after one release", g.InUse())
	}
	r3, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2()
	r3()

	// A waiting import gets the slot that frees during its wait.
	g = NewGate(1, time.Minute)
	release, _ := g.Enter(ctx)
	got := make(chan error, 1)
	go func() {
		r, err := g.Enter(ctx)
		if err == nil {
			r()
		}
		got <- err
	}()
	release()
	if err := <-got; err != nil {
		t.Fatalf("waiting import: %v", err)
	}
	// A waiting import whose request ends is answered at once.
	release, _ = g.Enter(ctx)
	defer release()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Enter(cancelled); !errors.Is(err, ErrBusy) {
		t.Fatalf("cancelled = %v", err)
	}
}
