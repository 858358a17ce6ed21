package enterprise

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/sheet"
)

// applyImport registers a clean plan: it derives each enterprise's initial password (FAQ 23), hashes them all,
// writes every enterprise with its two accounts in one transaction, and returns them with their passwords,
// which are shown once.
func (s *Service) applyImport(ctx context.Context, a audit.Actor, plan importPlan) (ImportResult, error) {
	passwords := make([]string, len(plan.rows))
	for i, p := range plan.rows {
		passwords[i] = account.InitialPassword(p.in.Name, p.in.CreditCode, p.in.LegalPhone)
	}
	hashes, err := s.hashAll(ctx, passwords)
	if err != nil {
		return ImportResult{}, err
	}
	issued := s.now()
	ids, err := s.insertAll(ctx, a, plan, hashes)
	if err != nil {
		return ImportResult{}, err
	}
	expires := issued.Add(s.accounts.InitialPasswordTTL())
	// The answer shows each enterprise as registered (the profile the contract promises), read back in
	// one query.
	profiles, err := s.profiles(ctx, ids)
	if err != nil {
		return ImportResult{}, err
	}
	if len(profiles) != len(ids) {
		return ImportResult{}, fmt.Errorf("enterprise import: %d of %d imported enterprises read back", len(profiles), len(ids))
	}
	res := ImportResult{Created: len(ids), Enterprises: make([]Registered, len(ids))}
	for i, p := range profiles {
		res.Enterprises[i] = Registered{
			Enterprise: p,
			Accounts:   initialAccounts(p.Name, p.CreditCode, passwords[i], expires),
		}
	}
	return res, nil
}

// insertAll writes the plan's enterprises in one transaction and returns their ids.
func (s *Service) insertAll(ctx context.Context, a audit.Actor, plan importPlan, hashes []string) ([]int64, error) {
	ids := make([]int64, len(plan.rows))
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i, p := range plan.rows {
			id, err := s.insert(ctx, tx, a, p.region, p.in, hashes[i])
			if e, ok := apperr.As(err); ok {
				// A concurrent registration took a name or code after the check.
				return sheet.Rejected([]sheet.RowError{sheet.Errorf(p.row, colName, "%s", e.Message)})
			}
			if err != nil {
				return err
			}
			ids[i] = id
		}
		return nil
	})
	return ids, err
}

// hashAll hashes passwords on every core: bcrypt is deliberately slow, and an import of a thousand
// enterprises would otherwise take a minute on one.
func (s *Service) hashAll(ctx context.Context, pws []string) ([]string, error) {
	out := make([]string, len(pws))
	errs := make([]error, len(pws))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				out[i], errs[i] = s.hasher.Hash(pws[i])
			}
		}()
	}
	for i := range pws {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
