package generate

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/logging"
	"yqyb/pkg/period"
)

// The inspection frequencies of the generated checklists. The daily share is solved so that the periods
// add up to Options.Periods; the others are fixed.
var fixedShares = []struct {
	f     period.Frequency
	share float64
}{{period.Weekly, 0.25}, {period.HalfMonthly, 0.18}, {period.Quarterly, 0.02}}

const (
	initShare      = 0.97 // enterprises that initialised (departments, posts, standard …)
	checklistShare = 0.97 // posts with a checklist
	meanDiligence  = 0.82 // share of due periods that have an inspection row (diligence × checklists old enough)
	inspHazards    = 0.9  // share of hazards found in inspections (the rest reported)
)

// windowPeriods lists, per frequency, the periods that started in the window up to the current one.
func (g *gen) windowPeriods() map[period.Frequency][]period.Period {
	out := map[period.Frequency][]period.Period{}
	for _, f := range []period.Frequency{period.Daily, period.Weekly, period.HalfMonthly, period.Monthly, period.Quarterly} {
		p := period.Of(f, g.wstart, clock.Business)
		if p.Start.Before(g.wstart) {
			p = p.Next()
		}
		for ; !p.Start.After(g.now); p = p.Next() {
			out[f] = append(out[f], p)
		}
	}
	return out
}

// finishedHalves are the half-months wholly inside the window that have ended: they get usage snapshots.
func (g *gen) finishedHalves() []string {
	var keys []string
	for _, p := range g.windowPeriods()[period.HalfMonthly] {
		if !p.End.After(g.now) {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// dailyShare solves the share of daily checklists that makes the expected number of periods match.
func (g *gen) dailyShare(ps map[period.Frequency][]period.Period) float64 {
	checklists := float64(g.o.Enterprises*g.o.PostsPerEnterprise) * checklistShare
	want := float64(g.o.Periods) / (checklists * meanDiligence)
	rest := 1.0
	have := 0.0
	for _, s := range fixedShares {
		have += s.share * float64(len(ps[s.f]))
		rest -= s.share
	}
	nd, nm := float64(len(ps[period.Daily])), float64(len(ps[period.Monthly]))
	x := (want - have - rest*nm) / (nd - nm)
	return math.Max(0, math.Min(rest, x))
}

func (g *gen) generate(ctx context.Context) error {
	o := g.o
	r := g.rnd
	now := ts(g.now)
	hash := "'" + strings.ReplaceAll(o.PasswordHash, "'", "''") + "'"
	offID, err := g.count(ctx, "SELECT COALESCE(MAX(id), 0) FROM enterprises")
	if err != nil {
		return err
	}
	streets := max(2, min(20, o.Enterprises/5000))

	// Regions: the city and its districts come with the schema; add streets where a district has fewer.
	if err := g.exec(ctx, "街道", fmt.Sprintf(`INSERT INTO regions (parent_id, level, code, name, path, sort_order, created_at, updated_at)
		SELECT d.id, 'street', d.code || lpad(s::text, 3, '0'), d.name || '第' || s || '街道', d.path || d.code || lpad(s::text, 3, '0') || '/', s, %[2]s, %[2]s
		FROM regions d CROSS JOIN generate_series(1, %[1]d) s
		WHERE d.level = 'district' AND (SELECT COUNT(*) FROM regions x WHERE x.parent_id = d.id) < %[1]d
		ORDER BY d.path, s
		ON CONFLICT DO NOTHING`, streets, now)); err != nil {
		return err
	}
	// One regulator account per city and district (bench-<code>), who registered its enterprises.
	if err := g.exec(ctx, "监管账号", fmt.Sprintf(`INSERT INTO users (kind, login_name, display_name, password_hash, must_change_password, region_id,
			status, token_version, created_at, updated_at, password_origin)
		SELECT 'regulator', 'bench-' || r.code, r.name || '监管员', %s, FALSE, r.id, 'active', 1, %[2]s, %[2]s, 'chosen'
		FROM regions r WHERE r.level IN ('city', 'district')
			AND NOT EXISTS (SELECT 1 FROM users u WHERE u.login_name = 'bench-' || r.code AND u.kind <> 'enterprise_user' AND u.deleted_at IS NULL)
		ORDER BY r.path`, hash, now)); err != nil {
		return err
	}
	if err := g.exec(ctx, "辅助表", `DROP TABLE IF EXISTS gen_targets, gen_mb, gen_ents, gen_cl, gen_periods, gen_hz`,
		`CREATE UNLOGGED TABLE gen_targets AS
		SELECT row_number() OVER (ORDER BY r.level = 'district', r.path)::int AS rn, r.id, r.path, r.name, r.level, d.id AS district_id, d.code AS dcode,
			(SELECT u.id FROM users u WHERE u.login_name = 'bench-' || d.code AND u.kind = 'regulator' AND u.deleted_at IS NULL) AS regulator_id
		FROM regions r JOIN regions d ON d.path = substr(r.path, 1, length(d.path)) AND d.level = 'district'
		WHERE r.level IN ('street', 'district')`,
		`CREATE UNLOGGED TABLE gen_mb AS SELECT row_number() OVER (ORDER BY id)::int AS rn, id, name, template_revision FROM main_businesses`); err != nil {
		return err
	}
	ns, err := g.count(ctx, "SELECT COUNT(*) FROM gen_targets WHERE level = 'street'")
	if err != nil {
		return err
	}
	nd, err := g.count(ctx, "SELECT COUNT(*) FROM gen_targets WHERE level = 'district'")
	if err != nil {
		return err
	}
	nmb, err := g.count(ctx, "SELECT COUNT(*) FROM gen_mb")
	if err != nil {
		return err
	}
	if nd == 0 || nmb == 0 {
		return fmt.Errorf("数据库缺少区级区域或主营业务目录：请先执行 yqyb migrate up")
	}
	g.logf("区域：%d 个区，%d 个街道", nd, ns)

	// The months of the window (and ahead) get their partitions of inspections before the load, so that
	// the rows land in them rather than in the default partition.
	t0 := time.Now()
	created, failed, err := inspection.NewPartitions(g.gdb, clock.NewFixed(g.now), logging.Discard(), 0).Ensure(ctx, g.wstart, g.now.AddDate(0, 13, 0))
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("排查记录月分区 %v 未能创建", failed)
	}
	g.logf("%-28s %12d 个  %s", "排查记录月分区（新建）", len(created), since(t0))

	if err := g.dropSecondary(ctx); err != nil {
		return err
	}

	// Enterprises: 95 % under a street, 5 % directly under a district; 5 % registered within the window.
	n := "n"
	if err := g.exec(ctx, "企业", fmt.Sprintf(`INSERT INTO enterprises (name, credit_code, legal_rep, legal_phone, region_id, region_path, address, status,
			created_at, updated_at, industry, main_business_id, scale, registered_by)
		SELECT format('北京%%s%%s第%%s号%%s有限公司', %[1]s, %[2]s, n, mb.name), k.code, %[3]s || %[4]s,
			'13' || lpad(floor(%[5]s * 1000000000)::bigint::text, 9, '0'), t.id, t.path,
			t.name || %[6]s || (1 + floor(%[7]s * 300)::int) || '号', 'active', x.created, x.created, mb.name, mb.id, %[8]s, t.regulator_id
		FROM generate_series(%[9]d::bigint, %[10]d::bigint) n
		CROSS JOIN LATERAL (SELECT %[11]s AS r1, %[12]s AS r2, %[13]s AS r3, %[14]s AS r4, %[15]s AS r5) q
		JOIN gen_targets t ON t.rn = CASE WHEN q.r1 < 0.05 THEN %[16]d + 1 + floor(q.r2 * %[17]d)::int ELSE 1 + floor(q.r2 * %[16]d)::int END
		JOIN gen_mb mb ON mb.rn = 1 + floor(q.r3 * %[18]d)::int
		CROSS JOIN LATERAL (SELECT CASE WHEN q.r4 < 0.05 THEN %[19]s - q.r5 * 170 * interval '1 day'
			ELSE %[19]s - (200 + q.r5 * 1000) * interval '1 day' END AS created) x
		CROSS JOIN LATERAL (SELECT '91' || t.dcode || lpad(((n * 7919 + %[20]d) %% 100000000)::text, 8, '0') AS c16) c
		CROSS JOIN LATERAL (SELECT c.c16 || CASE 11 - s %% 11 WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE (11 - s %% 11)::text END AS c17
			FROM (SELECT SUM(substr(c.c16, (8 + i)::int, 1)::int * w) AS s FROM unnest(ARRAY[3, 7, 9, 10, 5, 8, 4, 2]) WITH ORDINALITY AS wt(w, i)) z) o
		CROSS JOIN LATERAL (SELECT o.c17 || substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
				((31 - SUM((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(o.c17, i::int, 1)) - 1) * w) %% 31) %% 31 + 1)::int, 1) AS code
			FROM unnest(ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]) WITH ORDINALITY AS wt(w, i)) k
		ORDER BY n`,
		pick(r(n, 1), "华", "恒", "盛", "隆", "泰", "鑫", "安", "德", "信", "达", "宏", "嘉", "康", "瑞", "润", "腾", "新", "永", "中", "兴"),
		pick(r(n, 2), "通", "远", "源", "丰", "晟", "博", "祥", "成", "合", "和", "立", "辰", "宇", "航", "创", "联"),
		pick(r(n, 3), "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"),
		pick(r(n, 4), "伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "国庆"),
		r(n, 5), pick(r(n, 6), "路", "大街", "东路", "西路", "南路", "北路", "胡同"), r(n, 7),
		pick(r(n, 8), "large", "medium", "medium", "small", "small", "small", "micro", "micro"),
		offID+1, offID+int64(o.Enterprises), r(n, 11), r(n, 12), r(n, 13), r(n, 14), r(n, 15), ns, nd, nmb, now, o.Seed%100000000)); err != nil {
		return err
	}
	// Per enterprise: initialised or not, diligence, departments, and a weight that spreads the posts.
	id := "e.id"
	if err := g.exec(ctx, "企业规划", fmt.Sprintf(`CREATE UNLOGGED TABLE gen_ents AS
		SELECT e.id, e.name, e.created_at, e.legal_rep, e.legal_phone, e.region_path, e.main_business_id,
			LEAST(e.created_at + interval '3 days', %[1]s) AS setup_at,
			%[2]s < %[3]f AS init,
			CASE WHEN %[4]s < 0.6 THEN 0.95 + 0.05 * %[5]s WHEN %[4]s < 0.9 THEN 0.6 + 0.35 * %[5]s ELSE 0.5 * %[5]s END AS diligence,
			2 + floor(%[6]s * 4)::int AS ndept, 0.2 + 1.6 * %[7]s AS w, 0 AS npost, 0 AS irn, 0::bigint AS admin_id, 0::bigint AS euser_id
		FROM enterprises e WHERE e.id > %[8]d`, now, r(id, 10), initShare, r(id, 11), r(id, 12), r(id, 13), r(id, 14), offID),
		`ALTER TABLE gen_ents ADD PRIMARY KEY (id)`,
		fmt.Sprintf(`UPDATE gen_ents g SET npost = x.n, irn = x.rn FROM (
			SELECT id, (round(%[1]d * cw / tw) - round(%[1]d * (cw - w) / tw))::int AS n, row_number() OVER (ORDER BY id)::int AS rn
			FROM (SELECT id, w, SUM(w) OVER (ORDER BY id) AS cw, SUM(w) OVER () AS tw FROM gen_ents WHERE init) y) x
		WHERE x.id = g.id`, o.Enterprises*o.PostsPerEnterprise)); err != nil {
		return err
	}
	if err := g.exec(ctx, "企业账号", fmt.Sprintf(`INSERT INTO users (kind, login_name, display_name, phone, password_hash, must_change_password, enterprise_id,
			status, token_version, created_at, updated_at, password_origin)
		SELECT k.kind, g.name, CASE k.kind WHEN 'enterprise_admin' THEN g.name || '管理员' ELSE g.name END,
			CASE k.kind WHEN 'enterprise_user' THEN g.legal_phone ELSE '' END, %s, FALSE, g.id, 'active', 1, g.created_at, g.created_at, 'chosen'
		FROM gen_ents g CROSS JOIN (VALUES ('enterprise_admin'), ('enterprise_user')) k(kind) ORDER BY g.id, k.kind`, hash),
		`UPDATE gen_ents g SET admin_id = a.id, euser_id = u.id FROM users a, users u
		WHERE a.enterprise_id = g.id AND a.kind = 'enterprise_admin' AND u.enterprise_id = g.id AND u.kind = 'enterprise_user'`); err != nil {
		return err
	}
	if err := g.exec(ctx, "部门", `INSERT INTO departments (enterprise_id, parent_id, name, sort_order, created_at, updated_at, description)
		SELECT g.id, NULL, (ARRAY['安全管理部', '生产运营部', '后勤保障部', '设备工程部', '综合办公室'])[k], k, g.setup_at, g.setup_at, ''
		FROM gen_ents g CROSS JOIN LATERAL generate_series(1, g.ndept) k WHERE g.init ORDER BY g.id, k`); err != nil {
		return err
	}
	if err := g.exec(ctx, "企业标准", `INSERT INTO standards (enterprise_id, main_business_id, seen_revision, created_at, updated_at)
		SELECT g.id, g.main_business_id, mb.template_revision, g.setup_at, g.setup_at FROM gen_ents g JOIN gen_mb mb ON mb.id = g.main_business_id
		WHERE g.init ORDER BY g.id`,
		`INSERT INTO standard_categories (enterprise_id, name, sort_order, created_at, updated_at)
		SELECT g.id, c.name, c.n, g.setup_at, g.setup_at FROM gen_ents g CROSS JOIN (VALUES (1, '基础管理'), (2, '现场管理')) c(n, name)
		WHERE g.init ORDER BY g.id, c.n`); err != nil {
		return err
	}
	if err := g.exec(ctx, "标准条目", `INSERT INTO standard_items (enterprise_id, category_id, subject, content, criterion, basis, grade_code, is_major,
			sort_order, source_revision, version, created_at, updated_at)
		SELECT g.id, c.id, i.subject, i.content, i.criterion, i.basis, i.grade, i.k = 8, i.k, 0, 1, g.setup_at, g.setup_at
		FROM gen_ents g
		CROSS JOIN (VALUES
			(1, '安全生产责任制', '建立健全全员安全生产责任制并公示', '责任制覆盖全部岗位，每年修订', '《安全生产法》第二十二条', 'C'),
			(2, '安全教育培训', '从业人员经安全生产教育和培训合格后上岗', '培训档案齐全，学时符合要求', '《安全生产法》第二十八条', 'C'),
			(3, '特种作业', '特种作业人员持证上岗', '证件在有效期内', '《安全生产法》第三十条', 'B'),
			(4, '应急预案', '制定生产安全事故应急救援预案并定期演练', '每年至少演练一次', '《生产安全事故应急条例》', 'D'),
			(5, '消防设施', '灭火器、消火栓完好有效', '压力正常，每月检查', '《消防法》第十六条', 'C'),
			(6, '疏散通道', '安全出口、疏散通道畅通', '无堵塞、无锁闭', '《消防法》第二十八条', 'B'),
			(7, '用电安全', '配电箱、线路规范，无私拉乱接', '漏电保护有效', 'GB 50194', 'C'),
			(8, '重大危险源', '危险化学品储存场所符合要求', '超量储存即判定为重大隐患', '重大事故隐患判定标准', 'A')
		) i(k, subject, content, criterion, basis, grade)
		JOIN standard_categories c ON c.enterprise_id = g.id AND c.sort_order = CASE WHEN i.k <= 4 THEN 1 ELSE 2 END
		WHERE g.init ORDER BY g.id, i.k`); err != nil {
		return err
	}
	if err := g.exec(ctx, "隐患等级", `INSERT INTO hazard_grades (enterprise_id, code, name, legal_level, description, sort_order, created_at, updated_at)
		SELECT g.id, x.code, x.code || '级', x.lvl, x.descr, x.n, g.setup_at, g.setup_at FROM gen_ents g CROSS JOIN (VALUES
			(0, 'A', 'major', '可能导致群死群伤或重大损失，须局部或全部停产停业整改'), (1, 'B', 'general', '危害较大，须限期整改'),
			(2, 'C', 'general', '危害一般，立即或限期整改'), (3, 'D', 'general', '危害轻微，当场整改')) x(n, code, lvl, descr)
		WHERE g.init ORDER BY g.id, x.n`); err != nil {
		return err
	}

	ps := g.windowPeriods()
	daily := g.dailyShare(ps)
	var cases []string
	acc := daily
	cases = append(cases, fmt.Sprintf("WHEN q.rf < %f THEN 'daily'", acc))
	for _, s := range fixedShares {
		acc += s.share
		cases = append(cases, fmt.Sprintf("WHEN q.rf < %f THEN '%s'", acc, s.f))
	}
	g.logf("检查频次：每日 %.1f%%，每周 %.0f%%，每半月 %.0f%%，每季度 %.0f%%，其余每月；窗口内周期数 日 %d / 周 %d / 半月 %d / 月 %d / 季 %d",
		daily*100, fixedShares[0].share*100, fixedShares[1].share*100, fixedShares[2].share*100,
		len(ps[period.Daily]), len(ps[period.Weekly]), len(ps[period.HalfMonthly]), len(ps[period.Monthly]), len(ps[period.Quarterly]))
	pk := "g.id * 4096 + j"
	if err := g.exec(ctx, "岗位", fmt.Sprintf(`INSERT INTO posts (enterprise_id, department_id, name, status, created_at, updated_at, responsibility_level,
			default_frequency, description, sort_order)
		SELECT g.id, d.id, q.name, 'active', g.setup_at, g.setup_at, %[1]s, CASE %[2]s ELSE 'monthly' END, '', j
		FROM gen_ents g CROSS JOIN LATERAL generate_series(1, g.npost) j
		CROSS JOIN LATERAL (SELECT (ARRAY['安全员', '电工', '焊工', '叉车司机', '库管员', '保安', '收银员', '厨师', '服务员', '保洁员',
			'设备维修工', '仓储主管', '消防控制室值班员', '班组长', '车间主任', '质检员', '操作工', '装卸工', '司机', '前台',
			'采购员', '配送员', '水暖工', '空调工', '锅炉工', '化验员', '门卫', '巡检员', '调度员', '店长'])[((j - 1) %% 30) + 1]
			|| CASE WHEN j > 30 THEN j::text ELSE '' END AS name, %[3]s AS rf) q
		JOIN departments d ON d.enterprise_id = g.id AND d.sort_order = ((j - 1) %% g.ndept) + 1
		WHERE g.init ORDER BY g.id, j`, pick(r(pk, 21), "high", "medium", "medium", "low"), strings.Join(cases, " "), r(pk, 20))); err != nil {
		return err
	}
	if err := g.exec(ctx, "岗位用户", fmt.Sprintf(`INSERT INTO users (kind, login_name, display_name, phone, password_hash, must_change_password,
			enterprise_id, post_id, status, token_version, created_at, updated_at, password_origin)
		SELECT 'post_user', g.name || '-' || p.name, %[1]s || %[2]s, '13' || lpad(floor(%[3]s * 1000000000)::bigint::text, 9, '0'),
			%[4]s, FALSE, p.enterprise_id, p.id, 'active', 1, p.created_at, p.created_at, 'chosen'
		FROM posts p JOIN gen_ents g ON g.id = p.enterprise_id WHERE %[5]s < 0.95 ORDER BY p.id`,
		pick(r("p.id", 25), "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"),
		pick(r("p.id", 26), "伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "国庆"),
		r("p.id", 27), hash, r("p.id", 22))); err != nil {
		return err
	}
	if err := g.exec(ctx, "岗位责任制文件", fmt.Sprintf(`INSERT INTO post_documents (enterprise_id, post_id, version, file_name, content_type, size, sha256,
			storage_key, uploaded_by, uploaded_at)
		SELECT p.enterprise_id, p.id, 1, p.name || '岗位责任制.pdf', 'application/pdf', 20000 + floor(%[1]s * 500000)::bigint,
			md5(p.id::text) || md5(p.id::text || '-'), 'bench/' || p.enterprise_id || '/' || p.id || '.pdf', g.admin_id, p.created_at
		FROM posts p JOIN gen_ents g ON g.id = p.enterprise_id WHERE %[2]s < 0.8 ORDER BY p.id`, r("p.id", 28), r("p.id", 23))); err != nil {
		return err
	}
	if err := g.exec(ctx, "岗位清单", fmt.Sprintf(`INSERT INTO checklists (enterprise_id, post_id, name, frequency, description, status, created_at, updated_at)
		SELECT p.enterprise_id, p.id, p.name || '排查清单', p.default_frequency, '', 'active', p.created_at, p.created_at
		FROM posts p JOIN gen_ents g ON g.id = p.enterprise_id WHERE %s < %f ORDER BY p.id`, r("p.id", 24), checklistShare)); err != nil {
		return err
	}
	if err := g.exec(ctx, "清单条目", `INSERT INTO checklist_items (enterprise_id, checklist_id, item_id, sort_order)
		SELECT c.enterprise_id, c.id, si.id, m FROM checklists c JOIN gen_ents g ON g.id = c.enterprise_id JOIN posts p ON p.id = c.post_id
		CROSS JOIN generate_series(0, 2) m
		JOIN standard_items si ON si.enterprise_id = c.enterprise_id AND si.sort_order = ((p.sort_order + m) % 8) + 1
		ORDER BY c.id, m`); err != nil {
		return err
	}
	// Each checklist's items never change here: one version each, with the digest the service computes
	// (standard.VersionDigest), so that an inspection started on the generated data finds it.
	if err := g.exec(ctx, "清单版本", `INSERT INTO checklist_versions (enterprise_id, checklist_id, digest, item_count, created_at)
		SELECT c.enterprise_id, c.id, encode(sha256(convert_to(COALESCE(string_agg(i.id || ':' || i.version || ':' || CASE WHEN i.is_major THEN '1' ELSE '0' END
				|| ':' || octet_length(i.grade_code) || ':' || i.grade_code || ':' || octet_length(k.name) || ':' || k.name
				|| ':' || octet_length(i.subject) || ':' || i.subject || ':' || octet_length(i.content) || ':' || i.content
				|| ':' || octet_length(i.criterion) || ':' || i.criterion || ':' || octet_length(i.basis) || ':' || i.basis || chr(10),
				'' ORDER BY ci.sort_order, i.id), ''), 'UTF8')), 'hex'), COUNT(i.id), c.created_at
		FROM checklists c JOIN gen_ents g ON g.id = c.enterprise_id
		LEFT JOIN checklist_items ci ON ci.checklist_id = c.id LEFT JOIN standard_items i ON i.id = ci.item_id AND i.deleted_at IS NULL
		LEFT JOIN standard_categories k ON k.id = i.category_id
		GROUP BY c.id ORDER BY c.id`,
		`INSERT INTO checklist_version_items (version_id, sort_order, enterprise_id, item_id, item_version, is_major, grade_code, category_name,
			subject, content, criterion, basis)
		SELECT v.id, ROW_NUMBER() OVER (PARTITION BY v.id ORDER BY ci.sort_order, i.id) - 1, v.enterprise_id, i.id, i.version, i.is_major,
			i.grade_code, k.name, i.subject, i.content, i.criterion, i.basis
		FROM checklist_versions v JOIN gen_ents g ON g.id = v.enterprise_id JOIN checklist_items ci ON ci.checklist_id = v.checklist_id
		JOIN standard_items i ON i.id = ci.item_id AND i.deleted_at IS NULL JOIN standard_categories k ON k.id = i.category_id`); err != nil {
		return err
	}
	if err := g.exec(ctx, "清单规划", `CREATE UNLOGGED TABLE gen_cl AS
		SELECT c.id, c.enterprise_id, c.post_id, c.name, c.frequency, c.created_at, g.diligence, COALESCE(u.id, g.admin_id) AS who, v.id AS version_id
		FROM checklists c JOIN gen_ents g ON g.id = c.enterprise_id
		JOIN checklist_versions v ON v.checklist_id = c.id
		LEFT JOIN users u ON u.post_id = c.post_id AND u.kind = 'post_user'
		ORDER BY c.id`,
		`ALTER TABLE gen_cl ADD PRIMARY KEY (id)`, `ANALYZE gen_cl`); err != nil {
		return err
	}
	var vals []string
	idx := 0
	for _, f := range []period.Frequency{period.Daily, period.Weekly, period.HalfMonthly, period.Monthly, period.Quarterly} {
		for _, p := range ps[f] {
			idx++
			vals = append(vals, fmt.Sprintf("(%d, '%s', '%s', %s, %s)", idx, f, p.Key, ts(p.Start), ts(p.End)))
		}
	}
	if err := g.exec(ctx, "排查周期表", `CREATE UNLOGGED TABLE gen_periods (idx INT PRIMARY KEY, frequency TEXT NOT NULL, key TEXT NOT NULL,
		ps TIMESTAMPTZ NOT NULL, pe TIMESTAMPTZ NOT NULL)`,
		"INSERT INTO gen_periods VALUES "+strings.Join(vals, ", "), "ANALYZE gen_periods"); err != nil {
		return err
	}

	// Inspections: one row per checklist and period it was started in, by chunks of checklists on Jobs
	// connections. A share of the submitted ones found a hazard (hazard_count 1); those become hazards.
	pHaz := math.Min(1, inspHazards*float64(o.Hazards)/(0.97*float64(max(o.Periods, 1))))
	var lo, hi int64
	if err := g.db.QueryRowContext(ctx, "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), -1) FROM gen_cl").Scan(&lo, &hi); err != nil {
		return err
	}
	k := "c.id * 512 + p.idx"
	insp := fmt.Sprintf(`INSERT INTO inspections (enterprise_id, checklist_id, post_id, checklist_name, frequency, period_key, period_start, period_end,
			status, started_by, started_at, submitted_by, submitted_at, hazard_count, version, updated_at, checklist_version_id, ok_by, ok_at)
		SELECT c.enterprise_id, c.id, c.post_id, c.name, c.frequency, p.key, p.ps, p.pe, x.status, c.who, x.sa,
			CASE WHEN x.status = 'submitted' THEN c.who END, CASE WHEN x.status = 'submitted' THEN x.su END,
			CASE WHEN x.status = 'submitted' AND %[1]s < %[2]g THEN 1 ELSE 0 END,
			CASE WHEN x.status = 'submitted' THEN 2 ELSE 1 END, CASE WHEN x.status = 'submitted' THEN x.su ELSE x.sa END, c.version_id,
			CASE WHEN x.status = 'submitted' THEN c.who END, CASE WHEN x.status = 'submitted' THEN x.su END
		FROM gen_cl c
		JOIN gen_periods p ON p.frequency = c.frequency AND p.ps >= c.created_at
		CROSS JOIN LATERAL (SELECT LEAST(p.pe, %[3]s) AS lim) l
		CROSS JOIN LATERAL (SELECT p.ps + (l.lim - p.ps) * (0.05 + 0.85 * %[4]s) AS sa) s
		CROSS JOIN LATERAL (SELECT s.sa, LEAST(s.sa + (5 + 55 * %[5]s) * interval '1 minute', l.lim - interval '1 second') AS su,
			CASE WHEN %[6]s < CASE WHEN p.pe <= %[3]s THEN 0.02 ELSE 0.15 END THEN 'draft' ELSE 'submitted' END AS status) x
		WHERE c.id BETWEEN $1 AND $2
			AND %[7]s < c.diligence * CASE WHEN p.pe <= %[3]s THEN 1 ELSE extract(epoch FROM %[3]s - p.ps) / extract(epoch FROM p.pe - p.ps) END`,
		r(k, 32), pHaz, now, r(k, 31), r(k, 34), r(k, 33), r(k, 30))
	if err := g.inspections(ctx, insp, lo, hi); err != nil {
		return err
	}

	if err := g.hazards(ctx, offID); err != nil {
		return err
	}
	if err := g.restoreSecondary(ctx); err != nil {
		return err
	}
	if err := g.vacuum(ctx); err != nil {
		return err
	}
	return g.exec(ctx, "清理辅助表", `DROP TABLE IF EXISTS gen_targets, gen_mb, gen_ents, gen_cl, gen_periods, gen_hz`)
}

// inspections runs the inspection insert over [lo, hi] in chunks on Jobs connections, reporting progress.
func (g *gen) inspections(ctx context.Context, stmt string, lo, hi int64) error {
	t := time.Now()
	const chunks = 64
	size := max(1, (hi-lo+chunks)/chunks)
	type span struct{ a, b int64 }
	work := make(chan span)
	var rows, done atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, g.o.Jobs)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	total := (hi - lo + size) / size
	for w := 0; w < g.o.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				tx, err := g.db.BeginTx(cctx, nil)
				if err == nil {
					_, err = tx.ExecContext(cctx, bulkSettings)
				}
				var res interface{ RowsAffected() (int64, error) }
				if err == nil {
					res, err = tx.ExecContext(cctx, stmt, s.a, s.b)
				}
				if err == nil {
					err = tx.Commit()
				} else if tx != nil {
					tx.Rollback()
				}
				if err != nil {
					errc <- fmt.Errorf("排查记录 %d–%d: %w", s.a, s.b, err)
					cancel()
					return
				}
				n, _ := res.RowsAffected()
				all, d := rows.Add(n), done.Add(1)
				if d%8 == 0 || d == total {
					el := time.Since(t)
					g.logf("  排查记录 %d/%d 批，%d 行，%s（约 %.0f 行/秒）", d, total, all, since(t), float64(all)/el.Seconds())
				}
			}
		}()
	}
	go func() {
		defer close(work)
		for a := lo; a <= hi; a += size {
			select {
			case work <- span{a, min(hi, a+size-1)}:
			case <-cctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	g.logf("%-28s %12d 行  %s", "排查记录", rows.Load(), since(t))
	return nil
}

func (g *gen) hazards(ctx context.Context, offID int64) error {
	o := g.o
	r := g.rnd
	now := ts(g.now)
	nInsp, err := g.step(ctx, "隐患（排查发现）", fmt.Sprintf(`CREATE UNLOGGED TABLE gen_hz AS
		SELECT i.id AS inspection_id, i.enterprise_id, i.checklist_id, i.post_id, i.period_key, i.submitted_at AS found_at, i.submitted_by AS found_by,
			'inspection'::text AS source
		FROM inspections i WHERE i.hazard_count > 0 AND i.enterprise_id > %d`, offID))
	if err != nil {
		return err
	}
	var nInit int64
	if nInit, err = g.count(ctx, "SELECT COUNT(*) FROM gen_ents WHERE init"); err != nil {
		return err
	}
	if rep := int64(o.Hazards) - nInsp; rep > 0 && nInit > 0 {
		kk := "k"
		if err := g.exec(ctx, "隐患（随手报）", fmt.Sprintf(`INSERT INTO gen_hz
			SELECT NULL, g.id, NULL, NULL, '', b.base + (%[1]s - b.base) * %[2]s, g.admin_id, 'report'
			FROM generate_series(1, %[3]d) k
			JOIN gen_ents g ON g.init AND g.irn = 1 + floor(%[4]s * %[5]d)::int
			CROSS JOIN LATERAL (SELECT LEAST(GREATEST(g.setup_at, %[6]s), %[1]s) AS base) b`,
			now, r(kk, 40), rep, r(kk, 41), nInit, ts(g.wstart))); err != nil {
			return err
		}
	}
	if err := g.exec(ctx, "隐患编号", `ALTER TABLE gen_hz ADD COLUMN k BIGINT GENERATED ALWAYS AS IDENTITY`, `ANALYZE gen_hz`); err != nil {
		return err
	}
	k := "h.k"
	if err := g.exec(ctx, "隐患", fmt.Sprintf(`INSERT INTO hazards (enterprise_id, code, source, inspection_id, item_id, checklist_id, post_id, department_id,
			period_key, subject, description, location, grade_code, legal_level, item_is_major, status, fixed_on_spot, found_by, found_at, photo_ids,
			responsible_user_id, responsible_person, measures, funds, deadline, plan, reported_at, fixed_by, fixed_at, accepted_by, accepted_at,
			closed_at, created_at, updated_at, region_path)
		SELECT h.enterprise_id,
			'YH-' || y.yr || '-' || lpad(row_number() OVER (PARTITION BY h.enterprise_id, y.yr ORDER BY h.found_at, h.k)::text, 6, '0'),
			h.source, h.inspection_id, it.item_id, h.checklist_id, h.post_id, p.department_id, h.period_key,
			COALESCE(si.subject, %[1]s), COALESCE(si.content || '：现场检查不符合要求', %[2]s), %[3]s,
			a.grade, a.lvl, a.lvl = 'major' AND h.source = 'inspection', s.status, s.spot, h.found_by, h.found_at, '',
			CASE WHEN s.assigned THEN h.found_by END, CASE WHEN s.assigned THEN fu.display_name ELSE '' END,
			CASE WHEN s.assigned THEN %[4]s ELSE '' END,
			CASE WHEN NOT s.assigned THEN NULL WHEN a.lvl = 'major' THEN round((10000 + %[5]s * 490000)::numeric, 2) ELSE round((%[5]s * 5000)::numeric, 2) END,
			d.deadline,
			CASE WHEN s.assigned AND a.lvl = 'major' THEN jsonb_build_object('goal', '消除重大事故隐患，恢复安全生产条件', 'method', '停用相关设施，按标准整改并复查',
				'funds_materials', '整改资金已落实，物资已采购', 'responsible_unit', '安全管理部', 'responsible_person', fu.display_name,
				'time_limit', '于整改期限前完成整改并申请验收', 'safety_measures', '设置警戒区域，安排专人监护',
				'emergency_measures', '启动专项应急预案，配备应急物资') END,
			CASE WHEN a.lvl = 'major' THEN h.found_at END,
			CASE WHEN s.spot OR s.status IN ('pending_acceptance', 'closed') THEN h.found_by END, f.fixed_at,
			CASE WHEN s.status = 'closed' AND NOT s.spot THEN CASE WHEN h.found_by = g.admin_id THEN g.euser_id ELSE g.admin_id END END,
			f.accepted_at, CASE WHEN s.spot THEN h.found_at ELSE f.accepted_at END,
			h.found_at, COALESCE(f.accepted_at, f.fixed_at, CASE WHEN s.assigned THEN d.assigned_at END, h.found_at), g.region_path
		FROM gen_hz h
		JOIN gen_ents g ON g.id = h.enterprise_id
		JOIN users fu ON fu.id = h.found_by
		LEFT JOIN posts p ON p.id = h.post_id
		LEFT JOIN LATERAL (SELECT ci.item_id FROM checklist_items ci WHERE ci.checklist_id = h.checklist_id ORDER BY ci.sort_order LIMIT 1) it ON TRUE
		LEFT JOIN standard_items si ON si.id = it.item_id
		CROSS JOIN LATERAL (SELECT extract(year FROM h.found_at AT TIME ZONE 'Asia/Shanghai')::int AS yr,
			extract(epoch FROM %[6]s - h.found_at) / 86400 AS age) y
		CROSS JOIN LATERAL (SELECT CASE WHEN %[7]s < 0.02 THEN 'major' ELSE 'general' END AS lvl) l
		CROSS JOIN LATERAL (SELECT l.lvl, CASE WHEN l.lvl = 'major' THEN 'A' WHEN %[8]s < 0.25 THEN 'B' WHEN %[8]s < 0.8 THEN 'C' ELSE 'D' END AS grade,
			l.lvl = 'general' AND %[9]s < 0.15 AS spot) a
		CROSS JOIN LATERAL (SELECT a.spot, CASE WHEN a.spot THEN 'closed'
				WHEN %[10]s < CASE WHEN a.lvl = 'major' THEN LEAST(0.9, 0.1 + y.age / 150) ELSE LEAST(0.97, 0.35 + y.age / 40) END THEN 'closed'
				WHEN %[11]s < 0.3 THEN 'registered' WHEN %[11]s < 0.75 THEN 'rectifying' ELSE 'pending_acceptance' END AS status) s0
		CROSS JOIN LATERAL (SELECT s0.spot, s0.status, NOT s0.spot AND s0.status <> 'registered' AS assigned) s
		CROSS JOIN LATERAL (SELECT LEAST(h.found_at + interval '2 hours', %[6]s) AS assigned_at,
			CASE WHEN s.assigned THEN (((h.found_at AT TIME ZONE 'Asia/Shanghai')::date
				+ CASE WHEN a.lvl = 'major' THEN 30 + floor(%[12]s * 61)::int ELSE 7 + floor(%[12]s * 24)::int END)::timestamp AT TIME ZONE 'Asia/Shanghai') END AS deadline) d
		CROSS JOIN LATERAL (SELECT CASE WHEN s.spot THEN h.found_at WHEN s.status IN ('pending_acceptance', 'closed')
			THEN LEAST(d.assigned_at + (d.deadline - d.assigned_at) * (0.2 + 0.9 * %[13]s), %[6]s) END AS fixed_at) f0
		CROSS JOIN LATERAL (SELECT f0.fixed_at, CASE WHEN s.status = 'closed' AND NOT s.spot
			THEN LEAST(f0.fixed_at + %[14]s * 3 * interval '1 day', %[6]s) END AS accepted_at) f
		ORDER BY h.found_at, h.k`,
		pick(r(k, 42), "灭火器压力不足", "疏散通道堵塞", "配电箱未上锁", "临时用电私拉乱接", "安全出口指示灯损坏", "货物超高堆放", "特种设备未按期检验", "员工未佩戴防护用品"),
		pick(r(k, 43), "日常巡查中发现，已拍照留存", "员工随手报，待核实整改", "班前检查发现"),
		pick(r(k, 44), "", "一层仓库", "二层办公区", "配电室", "后厨", "停车场", "生产车间", "楼梯间"),
		pick(r(k, 45), "立即更换并加强日常检查", "清理通道并设置警示标识", "按规范重新布线", "组织专项培训并限期整改"),
		r(k, 46), now, r(k, 47), r(k, 48), r(k, 49), r(k, 50), r(k, 51), r(k, 52), r(k, 53), r(k, 54))); err != nil {
		return err
	}
	// The answers, stored as the service stores them: a submitted inspection's items are 合格 by its submitter
	// at its submission (inspections.ok_by, ok_at), so only the items answered 隐患 or 不涉及 are rows.
	if err := g.exec(ctx, "排查结果（隐患项）", fmt.Sprintf(`INSERT INTO inspection_answers (inspection_id, item_id, enterprise_id, answered_by,
			answered_at, hazard_id, fixed_on_spot, result, description, grade_code, location, period_end)
		SELECT h.inspection_id, h.item_id, h.enterprise_id, h.found_by, h.found_at, h.id, h.fixed_on_spot, 'hazard', h.description, h.grade_code,
			h.location, i.period_end
		FROM hazards h JOIN inspections i ON i.id = h.inspection_id
		WHERE h.source = 'inspection' AND h.item_id IS NOT NULL AND h.enterprise_id > %d`, offID)); err != nil {
		return err
	}
	// About one submitted inspection in thirty says 不涉及 of its last item, with the reason: a row too (the
	// hazard, when there is one, is on the first item).
	if err := g.exec(ctx, "排查结果（不涉及项）", fmt.Sprintf(`INSERT INTO inspection_answers (inspection_id, item_id, enterprise_id, answered_by,
			answered_at, result, na_reason, period_end)
		SELECT i.id, vi.item_id, i.enterprise_id, i.submitted_by, i.submitted_at, 'na', %[1]s, i.period_end
		FROM inspections i JOIN checklist_versions v ON v.id = i.checklist_version_id
		JOIN checklist_version_items vi ON vi.version_id = v.id AND vi.sort_order = v.item_count - 1
		WHERE i.status = 'submitted' AND v.item_count > 1 AND i.enterprise_id > %[2]d AND %[3]s < 0.033`,
		pick(r("i.id", 55), "本岗位无此设备", "该区域本周期停用", "设备已报废拆除", "季节性停用（非供暖期）", "外包单位负责，已查验其记录"),
		offID, r("i.id", 56))); err != nil {
		return err
	}
	if err := g.exec(ctx, "隐患编号计数器", fmt.Sprintf(`INSERT INTO hazard_counters (enterprise_id, year, last)
		SELECT enterprise_id, substr(code, 4, 4)::int, COUNT(*) FROM hazards WHERE enterprise_id > %d GROUP BY 1, 2`, offID)); err != nil {
		return err
	}
	if err := g.exec(ctx, "隐患流转记录", fmt.Sprintf(`INSERT INTO hazard_events (hazard_id, enterprise_id, at, actor_id, actor_name, action, from_status,
			to_status, note, photo_ids)
		SELECT h.id, h.enterprise_id, s.at, s.actor, COALESCE(u.display_name, ''), s.action, s.fr, s.tos, s.note, ''
		FROM hazards h JOIN gen_ents g ON g.id = h.enterprise_id
		CROSS JOIN LATERAL (VALUES
			(1, 'register', '', 'registered', h.found_at, h.found_by,
				CASE WHEN h.legal_level = 'major' THEN '登记重大隐患，已同步报送属地监管部门' ELSE '登记隐患' END, TRUE),
			(2, 'spot_fix', 'registered', 'closed', h.found_at, h.found_by, '已当场整改', h.fixed_on_spot),
			(3, 'assign', 'registered', 'rectifying', LEAST(h.found_at + interval '2 hours', %[1]s), g.admin_id, '安排整改',
				NOT h.fixed_on_spot AND h.status <> 'registered'),
			(4, 'fix', 'rectifying', 'pending_acceptance', h.fixed_at, h.fixed_by, '整改完成，申请验收', NOT h.fixed_on_spot AND h.fixed_at IS NOT NULL),
			(5, 'accept', 'pending_acceptance', 'closed', h.accepted_at, h.accepted_by, '验收通过，予以销号', h.accepted_at IS NOT NULL)
		) s(n, action, fr, tos, at, actor, note, applies)
		LEFT JOIN users u ON u.id = s.actor
		WHERE s.applies
		ORDER BY h.id, s.n`, now)); err != nil {
		return err
	}
	if err := g.exec(ctx, "督办", fmt.Sprintf(`INSERT INTO supervisions (hazard_id, enterprise_id, region_id, supervisor_id, deadline, note, status, created_at)
		SELECT h.id, h.enterprise_id, t.district_id, t.regulator_id,
			((%[1]s AT TIME ZONE 'Asia/Shanghai')::date + 15 + floor(%[2]s * 45)::int)::timestamp AT TIME ZONE 'Asia/Shanghai',
			'请按期完成重大隐患整改并报送整改情况', 'active', LEAST(h.found_at + interval '3 days', %[1]s)
		FROM hazards h JOIN gen_ents g ON g.id = h.enterprise_id
		JOIN gen_targets t ON t.path = g.region_path
		WHERE h.legal_level = 'major' AND h.status <> 'closed' AND t.regulator_id IS NOT NULL AND %[3]s < 0.3
		ORDER BY h.id`, now, r("h.id", 60), r("h.id", 61))); err != nil {
		return err
	}
	q := period.Of(period.Quarterly, g.now, clock.Business).Prev()
	return g.exec(ctx, "季度报表签字", fmt.Sprintf(`INSERT INTO report_signoffs (enterprise_id, period_key, signer_name, signer_title, note, signed_by, signed_at)
		SELECT g.id, '%[1]s', g.legal_rep, %[2]s, '', g.admin_id, LEAST(%[3]s + %[4]s * 30 * interval '1 day', %[5]s)
		FROM gen_ents g WHERE g.init AND g.created_at < %[3]s AND %[6]s < 0.65 ORDER BY g.id`,
		q.Key, pick(r("g.id", 70), "总经理", "董事长", "法定代表人"), ts(q.End), r("g.id", 71), now, r("g.id", 72)))
}

// vacuum sets the visibility maps and statistics, as autovacuum would have by the time the data is read.
func (g *gen) vacuum(ctx context.Context) error {
	t := time.Now()
	tables := append([]string{"enterprises", "regions", "hazard_counters", "checklist_versions", "checklist_version_items", "inspection_answers"}, bulkTables...)
	work := make(chan string)
	errc := make(chan error, len(tables))
	var wg sync.WaitGroup
	for w := 0; w < g.o.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tbl := range work {
				if _, err := g.db.ExecContext(ctx, "VACUUM (ANALYZE) "+quote(tbl)); err != nil {
					errc <- fmt.Errorf("VACUUM %s: %w", tbl, err)
				}
			}
		}()
	}
	for _, tbl := range tables {
		work <- tbl
	}
	close(work)
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	g.logf("VACUUM ANALYZE %d 张表  %s", len(tables), since(t))
	return nil
}
