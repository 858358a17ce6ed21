package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/files"
	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/logging"
	"yqyb/internal/platform/storage"
	"yqyb/internal/rbac"
	"yqyb/internal/standard"
)

// History is the optional part of the demo that `make run` loads (`yqyb seed --history`) so that the
// dashboards, trends and reports have something to show: an enterprise in use for six weeks, and two that
// never started. The API and browser tests do not load it; they build the data they check themselves.
const (
	AndaName       = "北京朝阳安达物流有限公司"
	AndaCode       = "91110105MA01ANDA15"
	AndaForklift   = "安达物流-叉车司机"
	AndaKeeper     = "安达物流-库管员"
	AndaSafety     = "安达物流-安全员"
	IdleChaoyang   = "北京朝阳新起点餐饮有限公司"
	IdleChaoyangCC = "91110105MA01XQDC2U"
	IdleHaidian    = "北京海淀青禾文具店"
	IdleHaidianCC  = "92110108MA01QHWJ39"
)

// historyDays is how far back the demo enterprise's use goes.
const historyDays = 42

// SeedHistory loads the history part of the demo, once; it needs the base scenario (Seed) first.
func SeedHistory(ctx context.Context, db *gorm.DB, clk clock.Clock, hasher account.Hasher, store storage.Store) error {
	var n int64
	if err := db.WithContext(ctx).Table("enterprises").Where("name = ?", AndaName).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	if _, err := Load(ctx, db); err != nil {
		return errors.New("请先加载基础演示数据（yqyb seed）")
	}
	hash, err := hasher.Hash(DemoPassword)
	if err != nil {
		return err
	}
	now := clk.Now()
	day0 := clock.BusinessDate(now).AddDate(0, 0, -historyDays)
	// On PostgreSQL the history's months get their partitions of inspections (migration 0024 creates them
	// from the previous month on), so that its rows are not left in the default partition.
	if _, failed, err := inspection.NewPartitions(db, clk, logging.Discard(), 0).Ensure(ctx, day0, now); err != nil {
		return err
	} else if len(failed) > 0 {
		return fmt.Errorf("排查记录月分区 %v 未能创建", failed)
	}
	s := seeder{ctx: ctx, now: day0.UTC(), hash: hash}
	var ent, adminID, forkUser, keeperUser, safetyUser int64
	var posts map[string]int64
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s.tx = tx
		var err error
		if ent, err = s.enterprise(AndaName, AndaCode, "刘安达", "13900000005", "110105", "北京市朝阳区东坝乡物流园12号", "G", "warehouse", "small"); err != nil {
			return err
		}
		if posts, err = s.structure(ent, []struct {
			name  string
			posts []string
		}{{"安全部", []string{"安全员"}}, {"仓储部", []string{"叉车司机", "库管员"}}, {"运输部", []string{"驾驶员"}}}); err != nil {
			return err
		}
		if forkUser, err = s.postUser(ent, posts["仓储部/叉车司机"], AndaForklift, "马超", "13900000006"); err != nil {
			return err
		}
		if keeperUser, err = s.postUser(ent, posts["仓储部/库管员"], AndaKeeper, "黄敏", "13900000007"); err != nil {
			return err
		}
		if safetyUser, err = s.postUser(ent, posts["安全部/安全员"], AndaSafety, "吴刚", "13900000008"); err != nil {
			return err
		}
		for _, idle := range []struct{ name, code, region, business string }{{IdleChaoyang, IdleChaoyangCC, "110105", "catering"},
			{IdleHaidian, IdleHaidianCC, "110108", "retail"}} {
			if _, err := s.enterprise(idle.name, idle.code, "演示", "13900000009", idle.region, "北京市", "H", idle.business, "micro"); err != nil {
				return err
			}
		}
		return tx.Table("users").Where("enterprise_id = ? AND kind = ?", ent, rbac.KindEnterpriseAdmin).Pluck("id", &adminID).Error
	})
	if err != nil {
		return fmt.Errorf("写入演示历史数据: %w", err)
	}
	h := &history{ctx: ctx, db: db, clk: clock.NewFixed(day0.Add(9 * time.Hour)), ent: ent, rnd: rand.New(rand.NewPCG(7, 2026))}
	h.files = files.NewService(db, h.clk, store, 0)
	h.hz = hazard.NewService(db, h.clk)
	h.insp = inspection.NewService(db, h.clk, h.hz)
	h.std = standard.NewService(db, h.clk)
	h.admin = hazard.Actor{ID: adminID, Name: AndaName + "管理员", Actor: audit.Actor{ID: adminID, Name: AndaName, EnterpriseID: ent}}
	h.fork = hazard.Actor{ID: forkUser, Name: "马超", Actor: audit.Actor{ID: forkUser, Name: AndaForklift, EnterpriseID: ent}}
	h.keeper = hazard.Actor{ID: keeperUser, Name: "黄敏", Actor: audit.Actor{ID: keeperUser, Name: AndaKeeper, EnterpriseID: ent}}
	h.safety = hazard.Actor{ID: safetyUser, Name: "吴刚", Actor: audit.Actor{ID: safetyUser, Name: AndaSafety, EnterpriseID: ent}}
	if err := h.run(posts, now); err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return fmt.Errorf("写入演示历史数据（%s）: %s %v", h.clk.Now().In(clock.Business).Format(time.DateTime), ae.Message, ae.Details)
		}
		return fmt.Errorf("写入演示历史数据: %w", err)
	}
	return nil
}

type history struct {
	ctx                         context.Context
	db                          *gorm.DB
	clk                         *clock.Fixed
	ent                         int64
	rnd                         *rand.Rand
	hz                          *hazard.Service
	insp                        *inspection.Service
	std                         *standard.Service
	files                       *files.Service
	admin, fork, keeper, safety hazard.Actor
}

func (h *history) run(posts map[string]int64, now time.Time) error {
	v, err := h.std.Create(h.ctx, h.admin.Actor, h.ent, true)
	if err != nil {
		return err
	}
	// Items by subject: each checklist holds what its post actually looks at, and each finding is recorded
	// on the item it is about, so a hazard's name (its item), description and post agree.
	item := map[string]int64{}
	for _, c := range v.Categories {
		for _, it := range c.Items {
			item[it.Subject] = it.ID
		}
	}
	pick := func(subjects ...string) ([]int64, error) {
		ids := make([]int64, 0, len(subjects))
		for _, sub := range subjects {
			id, ok := item[sub]
			if !ok {
				return nil, fmt.Errorf("模板缺少条目「%s」", sub)
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	const major = "储存物品火灾危险性与库房类别"
	forkItems, err := pick("叉车安全装置与日常点检", "叉车驾驶作业", "人车分流与库内交通", "装卸作业区照明与地面", "蓄电池充电区", "货架防撞与防坠落", major)
	if err != nil {
		return err
	}
	keeperItems, err := pick("堆垛间距与主通道", "库房电气设备", "库区烟火管控", "仓储货架结构", "托盘与货物码放", "地面堆垛稳定性")
	if err != nil {
		return err
	}
	safetyItems, err := pick("堆垛间距与主通道", "库房电气设备", "库区烟火管控", "蓄电池充电区", "高架库自动喷水灭火系统", "库房内办公室与宿舍",
		"仓储货架结构", "货架防撞与防坠落", "人车分流与库内交通", "装卸作业区照明与地面")
	if err != nil {
		return err
	}
	daily, err := h.std.CreateChecklist(h.ctx, h.admin.Actor, h.ent, standard.ChecklistInput{PostID: posts["仓储部/叉车司机"], Name: "叉车每日点检",
		Frequency: "daily", ItemIDs: forkItems})
	if err != nil {
		return err
	}
	weekly, err := h.std.CreateChecklist(h.ctx, h.admin.Actor, h.ent, standard.ChecklistInput{PostID: posts["仓储部/库管员"], Name: "库房每周检查",
		Frequency: "weekly", ItemIDs: keeperItems})
	if err != nil {
		return err
	}
	if _, err := h.std.CreateChecklist(h.ctx, h.admin.Actor, h.ent, standard.ChecklistInput{PostID: posts["安全部/安全员"], Name: "安全员半月巡查",
		Frequency: "half_monthly", ItemIDs: safetyItems}); err != nil {
		return err
	}
	// The forklift driver's findings, each on the item of his daily checklist it concerns.
	findings := []struct {
		day     int
		grade   string
		subject string
		text    string
		where   string
	}{
		{3, "C", "叉车安全装置与日常点检", "3号叉车货叉根部有裂纹，仍在使用", "二号库"},
		{8, "D", "装卸作业区照明与地面", "装卸区地面油污未清理，叉车行驶打滑", "二号库装卸区"},
		{15, "B", "叉车安全装置与日常点检", "1号叉车倒车报警器失灵", "二号库"},
		{22, "C", "货架防撞与防坠落", "通道侧货架立柱被叉车撞击变形，防撞护角缺失", "二号库B排货架"},
		{27, "A", major, "丙类二号库内存放桶装稀释剂等甲类易燃液体，超出库房火灾危险性类别", "二号库"},
		{33, "D", "蓄电池充电区", "充电区灭火器压力不足", "叉车充电区"},
		{38, "C", "叉车驾驶作业", "叉车司机未系安全带作业", "二号库"},
	}
	found := map[int]int{}
	for i, f := range findings {
		found[f.day] = i
	}
	var hazards []int64
	today := clock.BusinessDate(now)
	for d := 0; d < historyDays; d++ {
		h.clk.Set(clock.BusinessDate(now).AddDate(0, 0, d-historyDays).Add(9*time.Hour + time.Duration(h.rnd.IntN(90))*time.Minute))
		// The forklift driver misses about one day in six, more in the first weeks.
		if i, ok := found[d]; ok || h.rnd.IntN(6) != 0 || d > historyDays-3 {
			var extra map[int64]inspection.AnswerInput
			if ok {
				f := findings[i]
				id := item[f.subject]
				extra = map[int64]inspection.AnswerInput{id: {ItemID: id, Result: "hazard", Description: f.text, GradeCode: f.grade, Location: f.where}}
			}
			if err := h.inspect(h.fork, posts["仓储部/叉车司机"], daily.ID, extra); err != nil {
				return err
			}
		}
		if h.clk.Now().In(clock.Business).Weekday() == time.Wednesday && h.rnd.IntN(5) != 0 {
			if err := h.inspect(h.keeper, posts["仓储部/库管员"], weekly.ID, nil); err != nil {
				return err
			}
		}
		// Rectification follows a couple of days after each finding.
		if err := h.db.WithContext(h.ctx).Table("hazards").Where("enterprise_id = ?", h.ent).Order("id").Pluck("id", &hazards).Error; err != nil {
			return err
		}
		if err := h.rectify(hazards, today); err != nil {
			return err
		}
	}
	// The district supervises the open major hazard.
	var mj int64
	if err := h.db.WithContext(h.ctx).Table("hazards").Where("enterprise_id = ? AND legal_level = 'major' AND status <> 'closed'", h.ent).
		Order("id").Limit(1).Select("id").Scan(&mj).Error; err != nil {
		return err
	}
	if mj != 0 {
		var reg account.User
		if err := h.db.WithContext(h.ctx).Where("login_name = ?", ChaoyangReg).Take(&reg).Error; err != nil {
			return err
		}
		var region org.Region
		if err := h.db.WithContext(h.ctx).Where("id = ?", *reg.RegionID).Take(&region).Error; err != nil {
			return err
		}
		// The supervision deadline is the enterprise's own rectification deadline (set when the major was
		// assigned, 25 days from today): no earlier, which would contradict the plan the district accepted.
		var deadline time.Time
		if err := h.db.WithContext(h.ctx).Table("hazards").Where("id = ?", mj).Select("deadline").Scan(&deadline).Error; err != nil {
			return err
		}
		if deadline.IsZero() {
			return errors.New("重大隐患尚未确定整改期限")
		}
		h.clk.Set(now.Add(-24 * time.Hour))
		a := hazard.Actor{ID: reg.ID, Name: reg.DisplayName, Actor: audit.Actor{ID: reg.ID, Name: reg.LoginName, RegionID: region.ID}}
		if _, err := h.hz.Supervise(h.ctx, a, region.ID, region.Path, mj, hazard.SuperviseInput{
			Deadline: deadline.In(clock.Business).Format(time.DateOnly), Note: "二号库超类别储存须在整改期限内清理完毕，并书面报告整改结果"}); err != nil {
			return err
		}
	}
	return nil
}

// inspect starts and submits one inspection, every item fine except the given ones.
func (h *history) inspect(a hazard.Actor, post, checklist int64, extra map[int64]inspection.AnswerInput) error {
	d, err := h.insp.Start(h.ctx, a.ID, h.ent, post, checklist)
	if err != nil {
		return err
	}
	if d.Status == "submitted" {
		return nil
	}
	answers := make([]inspection.AnswerInput, 0, len(d.Answers))
	for _, x := range d.Answers {
		if e, ok := extra[x.ItemID]; ok {
			answers = append(answers, e)
			continue
		}
		answers = append(answers, inspection.AnswerInput{ItemID: x.ItemID, Result: "ok"})
	}
	_, err = h.insp.Submit(h.ctx, a, h.ent, post, d.ID, answers)
	return err
}

// rectify moves each hazard along: assigned the day after it was found, fixed within a few days,
// accepted the day after, except the last two general ones (left open, one overdue) and the major one
// (being governed under its plan).
func (h *history) rectify(ids []int64, today time.Time) error {
	nowDay := clock.BusinessDate(h.clk.Now())
	for i, id := range ids {
		var x struct {
			Status     string
			LegalLevel string
			FoundAt    time.Time
		}
		if err := h.db.WithContext(h.ctx).Table("hazards").Select("status, legal_level, found_at").Where("id = ?", id).Take(&x).Error; err != nil {
			return err
		}
		age := int(nowDay.Sub(clock.BusinessDate(x.FoundAt)).Hours() / 24)
		last := i >= len(ids)-2 && x.LegalLevel != "major"
		switch {
		case x.Status == hazard.Registered && age >= 1:
			in := hazard.AssignInput{ResponsiblePerson: "吴刚", Measures: "按标准整改，整改后拍照上传", Deadline: nowDay.AddDate(0, 0, 5).Format(time.DateOnly)}
			if x.LegalLevel == "major" {
				in.Deadline = today.AddDate(0, 0, 25).Format(time.DateOnly)
				in.Funds = ptrF(30000)
				in.Measures = "清出二号库内的甲类易燃液体，转存至有资质的危险品仓库，并核查其余库房储存物品类别"
				in.Plan = &hazard.Plan{Goal: "二号库只存放丙类及以下物品，消除超类别储存的重大火灾隐患", Method: "停止向二号库入库易燃液体，现存稀释剂委托有资质的危险品仓库转存，逐库核对储存物品火灾危险性类别",
					FundsMaterials: "3万元，危险品转运与仓储费用", ResponsibleUnit: "仓储部", ResponsiblePerson: "吴刚", TimeLimit: "25日内完成",
					SafetyMeasures: "转存完成前二号库禁止动火，易燃液体存放区设置警戒线并加配灭火器", EmergencyMeasures: "执行火灾应急预案"}
			}
			if _, err := h.hz.Assign(h.ctx, h.admin, h.ent, id, in); err != nil {
				return err
			}
		case x.Status == hazard.Rectifying && age >= 3 && !last && x.LegalLevel != "major":
			photo, err := h.files.UploadImage(h.ctx, h.safety.ID, h.ent, "photo", "整改后.png", bytes.NewReader(fixPhoto()))
			if err != nil {
				return err
			}
			if _, err := h.hz.SubmitFix(h.ctx, h.safety, h.ent, id, hazard.EvidenceInput{Note: "已按要求整改完毕", PhotoIDs: []int64{photo.ID}}); err != nil {
				return err
			}
		case x.Status == hazard.PendingAcceptance && age >= 4:
			if _, err := h.hz.Accept(h.ctx, h.admin, h.ent, id, hazard.EvidenceInput{Note: "复查合格，予以销号"}); err != nil {
				return err
			}
		}
	}
	return nil
}

func ptrF(f float64) *float64 { return &f }

// fixPhoto is a small generated picture standing in for a photo of the rectified spot.
func fixPhoto() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			img.Set(x, y, color.RGBA{R: uint8(60 + x/2), G: uint8(140 + y/2), B: 90, A: 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
