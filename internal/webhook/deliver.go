package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/feed"
	"yqyb/internal/platform/clock"
)

// Deliverer sends the queued events. Any number of instances may run one against the same database: an
// endpoint is worked on by the instance holding its lease, which is taken with a compare-and-set UPDATE (on
// PostgreSQL and SQLite alike), renewed by every write made under it, and released at the end of the pass; a
// crashed instance's lease expires after Lease. Lease times are this machine's clock; backoff and give-up
// times are the service's clock (which a test or a development server can move).
type Deliverer struct {
	db      *gorm.DB
	clk     clock.Clock
	feed    *feed.Service
	client  *http.Client
	log     *slog.Logger
	owner   string
	readers Readers

	// Backoff is the wait after the first failed attempt; each further failure doubles it, up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// GiveUpAfter is how long an event is retried before it is marked failed and the next one is sent.
	GiveUpAfter time.Duration
	// An endpoint is disabled, with a notice recorded on it for its owner, when its deliveries have failed
	// without a success for DisableAfter, or DisableAfterFailures attempts in a row (0: no count limit).
	DisableAfter         time.Duration
	DisableAfterFailures int
	// Lease bounds how long a crashed instance's endpoints wait; Tick is how often Start makes a pass.
	Lease time.Duration
	Tick  time.Duration
	// PerPass bounds the events one endpoint sends in one pass, so one busy endpoint does not hold the rest.
	PerPass int
	// Workers is how many endpoints a pass works on at once, so that one slow receiver (each attempt
	// bounded by the HTTP timeout) does not hold up the others; Budget is how long a pass starts new work:
	// past it, endpoints not yet reached wait for the next pass, where they come first.
	Workers int
	Budget  time.Duration
	// LogDays is how long finished deliveries (delivered or given up) stay in the delivery log; Start
	// prunes older ones every PruneEvery. 0 keeps them for ever.
	LogDays    int
	PruneEvery time.Duration
	// Recheck is how long an endpoint whose creator may no longer read the feed waits before it is
	// looked at again (service clock); nothing is sent meanwhile and its position is kept.
	Recheck time.Duration

	mu sync.Mutex
	// visit, when set (tests), is told of each endpoint a pass claims.
	visit func(id int64)
}

// NewDeliverer returns a deliverer; instance names this process (host:pid).
// readers is asked before each pass over an endpoint whether its creator may still read what it receives.
func NewDeliverer(db *gorm.DB, clk clock.Clock, fs *feed.Service, g *Guard, readers Readers, log *slog.Logger, instance string) *Deliverer {
	suffix := make([]byte, 4)
	rand.Read(suffix)
	return &Deliverer{db: db, clk: clk, feed: fs, client: g.Client(15 * time.Second), log: log, readers: readers, Recheck: 5 * time.Minute,
		owner: instance + "#" + hex.EncodeToString(suffix), Backoff: 30 * time.Second, MaxBackoff: 4 * time.Hour,
		GiveUpAfter: 24 * time.Hour, DisableAfter: 24 * time.Hour, DisableAfterFailures: 0,
		Lease: 2 * time.Minute, Tick: 2 * time.Second, PerPass: 50,
		Workers: 8, Budget: 30 * time.Second, LogDays: 30, PruneEvery: time.Hour}
}

// Start makes a pass every Tick until ctx ends; the channel closes when it has stopped.
func (d *Deliverer) Start(ctx context.Context) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(d.Tick)
		defer t.Stop()
		var pruned time.Time
		for {
			if _, err := d.Pass(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("webhook deliveries", "err", err)
			}
			if d.LogDays > 0 && time.Since(pruned) >= d.PruneEvery {
				pruned = time.Now()
				if n, err := d.Prune(ctx); err != nil && ctx.Err() == nil {
					d.log.Error("pruning the webhook delivery log", "err", err)
				} else if n > 0 {
					d.log.Info("webhook delivery log pruned", "deleted", n, "older_than_days", d.LogDays)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return stopped
}

// pruneBatch bounds the rows one statement of Prune deletes, so a large backlog is removed in short
// transactions.
const pruneBatch = 5000

// Prune deletes the delivery attempts finished (delivered or given up) more than LogDays ago by the service's
// clock; those still waiting for a retry stay whatever their age. Every instance may run it: deleting what is
// already gone deletes nothing. It returns the number of rows deleted.
func (d *Deliverer) Prune(ctx context.Context) (int64, error) {
	if d.LogDays <= 0 {
		return 0, nil
	}
	before := d.clk.Now().UTC().AddDate(0, 0, -d.LogDays)
	var total int64
	for ctx.Err() == nil {
		res := d.db.WithContext(ctx).Exec(`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE status <> ? AND COALESCE(last_attempt_at, created_at) < ? ORDER BY id LIMIT ?)`, StatusPending, before, pruneBatch)
		if res.Error != nil {
			return total, res.Error
		}
		total += res.RowsAffected
		if res.RowsAffected < pruneBatch {
			break
		}
	}
	return total, ctx.Err()
}

// maxDue bounds the endpoints one pass takes; the least recently served come first, so none starves.
const maxDue = 500

// Pass works once on every endpoint that is due and not leased by another instance, Workers at a time, and
// starts no new work after Budget; it returns the number of attempts made.
//
// An endpoint is due when its next attempt's time has come (a retry, a redelivery, work left over from the
// last pass), or, when it waits for nothing (next_attempt_at NULL), once an entry of its own feed lies
// beyond its position and within the feed's horizon: an idle endpoint costs a pass nothing.
func (d *Deliverer) Pass(ctx context.Context) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now, wall := d.clk.Now().UTC(), time.Now().UTC()
	horizon, err := d.feed.Horizon(ctx)
	if err != nil {
		return 0, err
	}
	var ids []int64
	if err := d.db.WithContext(ctx).Raw(`SELECT e.id FROM webhook_endpoints e
		WHERE e.enabled AND (e.lease_until IS NULL OR e.lease_until < ?)
			AND ((e.next_attempt_at IS NOT NULL AND e.next_attempt_at <= ?)
				OR (e.next_attempt_at IS NULL AND e.feed_cursor < ? AND (
					(e.enterprise_id IS NOT NULL AND EXISTS (SELECT 1 FROM change_feed f
						WHERE f.enterprise_id = e.enterprise_id AND f.seq > e.feed_cursor AND f.seq <= ?))
					OR (e.enterprise_id IS NULL AND EXISTS (SELECT 1 FROM change_feed f
						WHERE f.seq > e.feed_cursor AND f.seq <= ? AND f.region_path LIKE e.region_path || '%')))))
		ORDER BY e.lease_until IS NOT NULL, e.lease_until, e.id
		LIMIT ?`, wall, now, horizon, horizon, horizon, maxDue).Scan(&ids).Error; err != nil {
		return 0, err
	}
	until := wall.Add(d.Budget)
	if d.Budget <= 0 {
		until = wall.Add(24 * time.Hour)
	}
	work := make(chan int64)
	var (
		mu    sync.Mutex
		total int
		errs  []error
		wg    sync.WaitGroup
	)
	for range max(d.Workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				n, err := d.endpoint(ctx, id, until)
				mu.Lock()
				total += n
				if err != nil {
					errs = append(errs, fmt.Errorf("endpoint %d: %w", id, err))
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		if ctx.Err() != nil || !time.Now().Before(until) {
			break
		}
		select {
		case work <- id:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return total, errors.Join(errs...)
}

// errLost: the lease passed to another instance (this one stalled past Lease); its work stops.
var errLost = errors.New("webhook endpoint lease lost")

// claim takes the endpoint's lease if it is free.
func (d *Deliverer) claim(ctx context.Context, id int64) (endpointRow, bool, error) {
	wall := time.Now().UTC()
	res := d.db.WithContext(ctx).Model(&endpointRow{}).
		Where("id = ? AND enabled AND (lease_until IS NULL OR lease_until < ?)", id, wall).
		UpdateColumns(map[string]any{"lease_owner": d.owner, "lease_until": wall.Add(d.Lease)})
	if res.Error != nil || res.RowsAffected != 1 {
		return endpointRow{}, false, res.Error
	}
	var r endpointRow
	err := d.db.WithContext(ctx).Where("id = ? AND lease_owner = ?", id, d.owner).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, false, nil
	}
	return r, err == nil, err
}

// errChanged: the owner changed the endpoint (updated_at moved) since this instance claimed it; errGone: the
// owner deleted it. Either way the work under the lease stops without writing over the owner's change, and
// the next pass starts again from the row as it is.
var (
	errChanged = errors.New("webhook endpoint changed by its owner")
	errGone    = errors.New("webhook endpoint deleted")
)

// held renews the lease inside tx and fails if this instance no longer holds it or the owner changed the
// endpoint since ep was read; every write under the lease starts with it. It writes first (the renewal),
// which locks the row on PostgreSQL, as the owner's changes lock it, so the two never interleave, and takes
// SQLite's single write lock before reading, so concurrent workers wait for each other instead of failing
// to upgrade a read. The deliverer writes columns only (UpdateColumn), never updated_at: that is the owner's
// version of the endpoint, moved by the service alone.
func (d *Deliverer) held(tx *gorm.DB, ep *endpointRow, set map[string]any) error {
	renew := tx.Model(&endpointRow{}).Where("id = ? AND lease_owner = ?", ep.ID, d.owner).
		UpdateColumn("lease_until", time.Now().UTC().Add(d.Lease))
	if renew.Error != nil {
		return renew.Error
	}
	var cur []endpointRow
	if err := tx.Model(&endpointRow{}).Select("id, lease_owner, updated_at").Where("id = ?", ep.ID).Find(&cur).Error; err != nil {
		return err
	}
	switch {
	case len(cur) == 0:
		return errGone
	case renew.RowsAffected != 1 || cur[0].LeaseOwner != d.owner:
		return errLost
	case !cur[0].UpdatedAt.Equal(ep.UpdatedAt):
		return errChanged
	}
	if len(set) == 0 {
		return nil
	}
	return tx.Model(&endpointRow{}).Where("id = ?", ep.ID).UpdateColumns(set).Error
}

// endpoint works on one endpoint under its lease; it starts no new attempt after until. An owner's change
// or deletion meanwhile ends the work quietly.
func (d *Deliverer) endpoint(ctx context.Context, id int64, until time.Time) (int, error) {
	n, err := d.work(ctx, id, until)
	if errors.Is(err, errChanged) || errors.Is(err, errGone) {
		err = nil
	}
	return n, err
}

func (d *Deliverer) work(ctx context.Context, id int64, until time.Time) (int, error) {
	ep, ok, err := d.claim(ctx, id)
	if err != nil || !ok {
		return 0, err
	}
	if d.visit != nil {
		d.visit(id)
	}
	defer func() {
		done, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer stop()
		// The release time stays as lease_until (in the past, so free): the next pass serves the endpoints
		// it reached last after those it did not reach.
		if err := d.db.WithContext(done).Model(&endpointRow{}).Where("id = ? AND lease_owner = ?", id, d.owner).
			UpdateColumns(map[string]any{"lease_owner": "", "lease_until": time.Now().UTC()}).Error; err != nil {
			d.log.Warn("releasing a webhook endpoint", "endpoint", id, "err", err)
		}
	}()
	// Nothing goes out, not even a manual redelivery, unless the creator may still read the feed it pushes:
	// the endpoint pauses with its position kept, and resumes in order once the permission is back.
	reason, code, err := d.readers.MayRead(ctx, ep.CreatedBy, ep.owner())
	if err != nil {
		return 0, err
	}
	if reason != "" {
		d.log.Warn("webhook endpoint paused: its creator may not read the feed it pushes", "endpoint", id,
			"creator", ep.CreatedBy, "permission", code, "reason", reason)
		return 0, d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return d.held(tx, &ep, map[string]any{"next_attempt_at": d.clk.Now().UTC().Add(d.Recheck)})
		})
	}
	attempts := 0
	// Manual redeliveries first: one attempt each, outside the ordered queue.
	var manual []deliveryRow
	if err := d.db.WithContext(ctx).Where("endpoint_id = ? AND manual AND status = ?", id, StatusPending).Order("id").Find(&manual).Error; err != nil {
		return 0, err
	}
	for _, m := range manual {
		code, sendErr := d.send(ctx, ep, m)
		attempts++
		if err := d.record(ctx, &ep, m, code, sendErr, true); err != nil {
			return attempts, err
		}
	}
	for range d.PerPass {
		if ctx.Err() != nil || !ep.Enabled {
			return attempts, nil
		}
		if !time.Now().Before(until) {
			return attempts, d.again(ctx, &ep)
		}
		var head []deliveryRow
		if err := d.db.WithContext(ctx).Where("endpoint_id = ? AND NOT manual AND status = ?", id, StatusPending).
			Order("event_id").Limit(1).Find(&head).Error; err != nil {
			return attempts, err
		}
		if len(head) == 0 {
			took, err := d.take(ctx, &ep)
			if err != nil || !took {
				return attempts, err
			}
			continue
		}
		h := head[0]
		now := d.clk.Now().UTC()
		if h.NextAttemptAt != nil && h.NextAttemptAt.After(now) {
			// Not due: sleep the endpoint until it is.
			return attempts, d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				return d.held(tx, &ep, map[string]any{"next_attempt_at": *h.NextAttemptAt})
			})
		}
		code, sendErr := d.send(ctx, ep, h)
		attempts++
		if err := d.record(ctx, &ep, h, code, sendErr, false); err != nil {
			return attempts, err
		}
		if sendErr != nil && ctx.Err() == nil {
			// The head failed: it waits for its retry (record set the endpoint's next attempt), or it was given up
			// and the next event goes at the next pass.
			return attempts, nil
		}
	}
	// PerPass events sent: the rest waits for the next pass.
	return attempts, d.again(ctx, &ep)
}

// again leaves the endpoint due at the next pass: it has work left that this pass did not do.
func (d *Deliverer) again(ctx context.Context, ep *endpointRow) error {
	if ctx.Err() != nil {
		return nil
	}
	return d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return d.held(tx, ep, map[string]any{"next_attempt_at": d.clk.Now().UTC()})
	})
}

// take moves the next subscribed event of the feed into the endpoint's queue; it reports whether it queued
// one. Entries of other types only move the cursor.
func (d *Deliverer) take(ctx context.Context, ep *endpointRow) (bool, error) {
	scope := feed.Scope{RegionPath: ep.RegionPath}
	if ep.EnterpriseID != nil {
		scope = feed.Scope{EnterpriseID: *ep.EnterpriseID}
	}
	types := strings.Split(ep.EventTypes, ",")
	const batch = 200
	entries, horizon, err := d.feed.After(ctx, scope, ep.FeedCursor, batch)
	if err != nil {
		return false, err
	}
	if len(entries) == 0 {
		// Caught up: the endpoint's feed holds nothing up to the horizon, so its position moves there and it
		// sleeps (next_attempt_at NULL) until an entry of its own feed lies beyond it.
		cursor := max(ep.FeedCursor, horizon)
		err = d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return d.held(tx, ep, map[string]any{"next_attempt_at": nil, "feed_cursor": cursor})
		})
		if err == nil {
			ep.FeedCursor = cursor
		}
		return false, err
	}
	cursor := entries[len(entries)-1].Seq
	if len(entries) < batch {
		cursor = max(cursor, horizon) // the whole feed up to the horizon was read
	}
	var next *feed.Entry
	for i := range entries {
		if slices.Contains(types, entries[i].Action) {
			next, cursor = &entries[i], entries[i].Seq
			break
		}
	}
	now := d.clk.Now().UTC()
	err = d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		set := map[string]any{"feed_cursor": cursor}
		if next != nil {
			// Due until the queued event is sent: should this pass stop before sending it (a shutdown, an
			// error), the next pass must find the endpoint without waiting for a later entry of its feed.
			set["next_attempt_at"] = now
		}
		if err := d.held(tx, ep, set); err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		body, err := json.Marshal(Event{ID: next.Seq, Type: next.Action, At: next.At.UTC(), EnterpriseID: next.EnterpriseID,
			Entity: next.Entity, EntityID: next.EntityID, Data: orNull(next.Data)})
		if err != nil {
			return err
		}
		return tx.Create(&deliveryRow{EndpointID: ep.ID, EnterpriseID: next.EnterpriseID, EventID: next.Seq, Action: next.Action,
			Body: string(body), Status: StatusPending, CreatedAt: now, NextAttemptAt: &now}).Error
	})
	if err != nil {
		return false, err
	}
	ep.FeedCursor = cursor
	return true, nil // a batch with no subscribed entry moved the cursor: look again at once
}

func orNull(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage("null")
	}
	return m
}

// send makes one attempt; the error is nil only for a 2xx answer.
func (d *Deliverer) send(ctx context.Context, ep endpointRow, dl deliveryRow) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader([]byte(dl.Body)))
	if err != nil {
		return 0, err
	}
	ts := d.clk.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "yqyb-webhook/1")
	req.Header.Set("X-Yqyb-Event-Id", strconv.FormatInt(dl.EventID, 10))
	req.Header.Set("X-Yqyb-Event-Type", dl.Action)
	req.Header.Set("X-Yqyb-Delivery-Id", strconv.FormatInt(dl.ID, 10))
	req.Header.Set("X-Yqyb-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Yqyb-Signature", "sha256="+Sign(ep.Secret, dl.EventID, ts, []byte(dl.Body)))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("接收方返回 HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if errors.Is(err, errAddress) {
		s = errAddress.Error()
	}
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "")
	}
	return s
}

// record writes an attempt's outcome: the delivery's status, and the endpoint's failure count, next attempt
// and, when the failure rule is met, its disabling with a notice for its owner.
func (d *Deliverer) record(ctx context.Context, ep *endpointRow, dl deliveryRow, code int, sendErr error, manual bool) error {
	if sendErr != nil && ctx.Err() != nil {
		return nil // cut short by this instance stopping: not the receiver's fault; the attempt is made again
	}
	now := d.clk.Now().UTC()
	ds := map[string]any{"attempts": dl.Attempts + 1, "response_code": code, "last_error": errText(sendErr), "last_attempt_at": now}
	es := map[string]any{}
	if sendErr == nil {
		ds["status"], ds["delivered_at"], ds["next_attempt_at"] = StatusDelivered, now, nil
		es["consecutive_failures"], es["failing_since"] = 0, nil
		ep.ConsecutiveFailures, ep.FailingSince = 0, nil
	} else {
		delay := d.Backoff << min(dl.Attempts, 30)
		if delay <= 0 || delay > d.MaxBackoff {
			delay = d.MaxBackoff
		}
		// The last attempt is made when GiveUpAfter has passed since the event was queued, not before.
		next, last := now.Add(delay), dl.CreatedAt.Add(d.GiveUpAfter)
		if next.After(last) {
			next = last
		}
		switch {
		case manual:
			ds["status"], ds["next_attempt_at"] = StatusFailed, nil
		case !now.Before(last):
			ds["status"], ds["next_attempt_at"] = StatusFailed, nil
			es["next_attempt_at"] = now // the next event goes at the next pass
		default:
			ds["next_attempt_at"] = next
			es["next_attempt_at"] = next
		}
		ep.ConsecutiveFailures++
		if ep.FailingSince == nil {
			ep.FailingSince = &now
		}
		es["consecutive_failures"], es["failing_since"] = ep.ConsecutiveFailures, *ep.FailingSince
		byCount := d.DisableAfterFailures > 0 && ep.ConsecutiveFailures >= d.DisableAfterFailures
		byTime := d.DisableAfter > 0 && now.Sub(*ep.FailingSince) >= d.DisableAfter
		if byCount || byTime {
			reason := fmt.Sprintf("自 %s 起连续 %d 次推送失败，系统已自动停用该推送地址（最后一次：%s）。请检查接收方后重新启用，停用期间的事件会在启用后按顺序补发。",
				ep.FailingSince.In(clock.Business).Format("2006-01-02 15:04:05"), ep.ConsecutiveFailures, errText(sendErr))
			es["enabled"], es["disabled_reason"], es["disabled_at"] = false, reason, now
			ep.Enabled = false
			d.log.Warn("webhook endpoint disabled", "endpoint", ep.ID, "failures", ep.ConsecutiveFailures)
		}
	}
	err := d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := d.held(tx, ep, es); err != nil {
			return err
		}
		return tx.Model(&deliveryRow{}).Where("id = ?", dl.ID).Updates(ds).Error
	})
	if !errors.Is(err, errChanged) {
		return err
	}
	// The owner changed the endpoint while the attempt was in flight: its outcome is still the delivery's,
	// but the endpoint's state is the owner's now; it is looked at again at the next pass (a retry's time is
	// on the delivery), and this pass stops.
	if err := d.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&deliveryRow{}).Where("id = ?", dl.ID).Updates(ds).Error; err != nil {
			return err
		}
		return tx.Model(&endpointRow{}).Where("id = ? AND lease_owner = ?", ep.ID, d.owner).UpdateColumn("next_attempt_at", now).Error
	}); err != nil {
		return err
	}
	return errChanged
}
